/**
 * Consent and attribution: what the widget reads (the Munchkin cookie, UTM parameters, click
 * ids), when it may read it, and how the form keeps working without Munchkin.
 */
import { expect, test } from '@playwright/test';
import { emulatorLeads, resetEmulator } from '../support/marketo.ts';
import { leadsWithEmail, PAGES, recordSubmissions, trackingCookie } from './widget-support.ts';

test.beforeEach(async () => {
  await resetEmulator();
});

const storedKeys = (page: import('@playwright/test').Page) =>
  page.evaluate(() => [...Object.keys(sessionStorage), ...Object.keys(localStorage)].filter((key) => key.startsWith('leadsync:')));

test('required consent: no cookie, no parameters, nothing stored', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/consent.html?utm_source=news&gclid=g-123`);
  const cookie = await trackingCookie(page);
  await expect(page.getByLabel('Business email')).toBeVisible();
  expect(await storedKeys(page)).toEqual([]);

  await page.getByLabel('Business email').fill('no.consent@example.test');
  const answer = page.waitForResponse((response) => response.url().endsWith('/submissions'));
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  expect((await (await answer).json()).cookie).toBe('not_sent_consent');

  expect(posted[0]!.context.consent).toBe(false);
  expect(posted[0]!.mktoTrk).toBeUndefined();
  expect(posted[0]!.context.utm).toEqual({});
  expect(posted[0]!.context.pageUrl).toMatch(/\/e2e\/widget\/consent\.html$/);
  expect(await storedKeys(page)).toEqual([]);
  const [lead] = await leadsWithEmail('no.consent@example.test');
  expect(lead!.cookies).not.toContain(cookie);
});

test('consent given later adds cookie and parameters', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/consent.html?utm_source=news&gclid=g-123`);
  const cookie = await trackingCookie(page);
  await expect(page.getByLabel('Business email')).toBeVisible();

  expect(await page.evaluate(() => window.Leadsync!.consent!(true))).toBe(true);
  await page.getByLabel('Business email').fill('late.consent@example.test');
  const answer = page.waitForResponse((response) => response.url().endsWith('/submissions'));
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  expect((await (await answer).json()).cookie).toBe('associated');

  expect(posted[0]!.context.consent).toBe(true);
  expect(posted[0]!.mktoTrk).toBe(cookie);
  expect(posted[0]!.context.utm).toEqual({ utm_source: 'news', gclid: 'g-123' });
  const [lead] = await leadsWithEmail('late.consent@example.test');
  expect(lead!.cookies).toContain(cookie);
});

test('withdrawn consent clears the stored parameters', async ({ page }) => {
  await page.goto(`${PAGES}/consent.html?utm_campaign=spring`);
  await expect(page.getByLabel('Business email')).toBeVisible();

  await page.evaluate(() => window.Leadsync!.consent!(true));
  expect(await storedKeys(page)).toEqual(['leadsync:attribution']);
  await page.evaluate(() => window.Leadsync!.consent!(false));
  expect(await storedKeys(page)).toEqual([]);
});

test('consent call queued before the script loads is replayed', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/consent-queued.html`);
  const cookie = await trackingCookie(page);

  await page.getByLabel('Business email').fill('queued.consent@example.test');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  expect(posted[0]!.mktoTrk).toBe(cookie);
});

test('blocked Munchkin still renders, submits and matches by email', async ({ page }) => {
  await page.route('**/munchkin.js', (route) => route.abort('blockedbyclient'));
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/render.html`);

  await page.getByLabel('Business email').fill('blocked.munchkin@example.test');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');

  expect(posted[0]!.mktoTrk).toBeUndefined();
  expect(await page.context().cookies()).toEqual([]);
  expect(await leadsWithEmail('blocked.munchkin@example.test')).toHaveLength(1);
  expect((await emulatorLeads()).filter((lead) => lead.anonymous)).toEqual([]);
});

test('landing parameters reach a form two pages later', async ({ page }) => {
  const posted = recordSubmissions(page);
  // The landing page carries the widget script (as every page of a site would) but the visitor
  // fills in the form only after a page without the script.
  await page.goto(`${PAGES}/render.html?utm_source=news&utm_medium=email&utm_campaign=spring&fbclid=fb-1&other=x`);
  await expect(page.getByLabel('Business email')).toBeVisible();
  await page.goto(`${PAGES}/thanks.html`);
  await page.goto(`${PAGES}/render.html`);

  await page.getByLabel('Business email').fill('utm.session@example.test');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  expect(posted[0]!.context.utm).toEqual({ utm_source: 'news', utm_medium: 'email', utm_campaign: 'spring', fbclid: 'fb-1' });
});
