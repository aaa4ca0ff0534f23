/**
 * Keyboard-only use of the rendered form: tab order, implicit submission with Enter, and focus
 * that follows errors and the result.
 */
import { expect, test } from '@playwright/test';
import { resetEmulator } from '../support/marketo.ts';
import { leadsWithEmail, PAGES } from './widget-support.ts';

test.beforeEach(async () => {
  await resetEmulator();
});

test('keyboard alone fills in and sends the form', async ({ page }) => {
  await page.goto(`${PAGES}/render.html`);
  await expect(page.getByLabel('Business email')).toBeVisible();

  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Business email')).toBeFocused();
  await page.keyboard.type('kim.keys@example.test');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('First name')).toBeFocused();
  await page.keyboard.type('Kim');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Company')).toBeFocused();
  await page.keyboard.type('Keys Inc');
  // The bot trap input is out of the tab order, so the next stop is the button.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Send' })).toBeFocused();
  await page.keyboard.press('Enter');

  const status = page.getByRole('status');
  await expect(status).toHaveText('Thank you! We will be in touch shortly.');
  await expect(status).toBeFocused();
  const [lead] = await leadsWithEmail('kim.keys@example.test');
  expect(Object.values(lead!.attributes)).toEqual(expect.arrayContaining(['Kim', 'Keys Inc']));
});

test('Enter in a field submits and errors take the focus', async ({ page }) => {
  await page.goto(`${PAGES}/render.html`);
  await page.getByLabel('First name').focus();
  await page.keyboard.type('Kim');
  await page.keyboard.press('Enter');

  const email = page.getByLabel('Business email');
  await expect(email).toBeFocused();
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('status')).toHaveText('Please correct the marked fields.');

  await page.keyboard.type('kim.enter@example.test');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  expect(await leadsWithEmail('kim.enter@example.test')).toHaveLength(1);
});
