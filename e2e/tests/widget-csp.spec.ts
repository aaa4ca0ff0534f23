/**
 * Strict Content-Security-Policy: the widget must style and submit without 'unsafe-inline',
 * through constructed stylesheets or, where those are missing, a <style> with the script's nonce.
 */
import { expect, test, type Page } from '@playwright/test';
import { resetEmulator } from '../support/marketo.ts';
import { leadsWithEmail, PAGES } from './widget-support.ts';

test.beforeEach(async () => {
  await resetEmulator();
});

function collectCspConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) errors.push(message.text());
  });
  return errors;
}

async function submitAndExpectNoViolations(page: Page, email: string, consoleErrors: string[]) {
  const button = page.getByRole('button', { name: 'Send' });
  await expect(button).toHaveCSS('background-color', 'rgb(200, 0, 100)');

  await page.getByLabel('Business email').fill(email);
  await button.click();
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  expect(await leadsWithEmail(email)).toHaveLength(1);

  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  expect(consoleErrors).toEqual([]);
}

test('strict policy page styles and submits without violations', async ({ page }) => {
  const consoleErrors = collectCspConsoleErrors(page);
  const response = await page.goto(`${PAGES}/csp.html`);
  expect(response!.headers()['content-security-policy']).toContain("style-src 'self'");

  expect(await page.locator('#contact').evaluate((host) => host.shadowRoot!.adoptedStyleSheets.length)).toBe(1);
  await submitAndExpectNoViolations(page, 'strict.csp@example.test', consoleErrors);
});

test('nonce policy page uses the style nonce fallback', async ({ page }) => {
  const consoleErrors = collectCspConsoleErrors(page);
  const response = await page.goto(`${PAGES}/csp-nonce.html`);
  expect(response!.headers()['content-security-policy']).toContain("style-src 'nonce-leadsync-e2e'");

  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  const styles = await page.locator('#contact').evaluate((host) => ({
    adopted: host.shadowRoot!.adoptedStyleSheets.length,
    nonces: Array.from(host.shadowRoot!.querySelectorAll('style'), (style) => style.nonce)
  }));
  expect(styles).toEqual({ adopted: 0, nonces: ['leadsync-e2e'] });
  await submitAndExpectNoViolations(page, 'nonce.csp@example.test', consoleErrors);
});

test('script adds window.Leadsync and no other global', async ({ page }) => {
  await page.goto(`${PAGES}/thanks.html`);
  const baseline = await page.evaluate(() => Object.keys(window));

  await page.goto(`${PAGES}/csp.html`);
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
  const added = await page.evaluate((known) => Object.keys(window).filter((key) => !known.includes(key)), baseline);
  // cspViolations comes from the page's own probe script.
  expect(added.sort()).toEqual(['Leadsync', 'cspViolations']);
});
