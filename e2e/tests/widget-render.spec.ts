/**
 * Render mode: the widget builds the form from the proxy's definition inside an open shadow root.
 */
import { expect, test } from '@playwright/test';
import { resetEmulator } from '../support/marketo.ts';
import { leadsWithEmail, PAGES, recordWidgetEvents, trackingCookie, widgetEvents } from './widget-support.ts';

test.beforeEach(async () => {
  await resetEmulator();
});

test('English page shows labels, required marks and autocomplete', async ({ page }) => {
  await page.goto(`${PAGES}/render.html`);

  await expect(page.getByRole('heading', { name: 'Talk to our team' })).toBeVisible();
  const email = page.getByLabel('Business email');
  await expect(email).toHaveAttribute('required', '');
  await expect(email).toHaveAttribute('autocomplete', 'email');
  await expect(email).toHaveAttribute('type', 'email');
  await expect(page.locator('#contact label[for="field-email"]')).toHaveText('Business email *');
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
});

test('host styles stay out and the theme property comes in', async ({ page }) => {
  await page.goto(`${PAGES}/render.html`);
  const email = page.getByLabel('Business email');
  const button = page.getByRole('button', { name: 'Send' });
  await expect(button).toBeVisible();

  await expect(button).toHaveCSS('background-color', 'rgb(200, 0, 100)');
  await expect(email).toHaveCSS('background-color', 'rgb(255, 255, 255)');
  await expect(email).toHaveCSS('font-size', '16px');
  await expect(page.getByRole('heading', { name: 'Talk to our team' })).not.toHaveCSS('color', 'rgb(0, 128, 0)');
  expect(await email.evaluate((element) => getComputedStyle(element).fontFamily)).not.toContain('Georgia');
});

test('reserved space keeps the page from jumping', async ({ page }) => {
  await page.route('**/v1/forms/contact', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 800));
    await route.continue();
  });
  await page.goto(`${PAGES}/render.html`);
  const after = page.locator('#after-form');
  await expect(page.locator('#contact .skeleton')).toBeAttached();
  const before = await after.boundingBox();

  await expect(page.getByLabel('Business email')).toBeVisible();
  expect(await after.boundingBox()).toEqual(before);
});

test('German page renders and validates in German', async ({ page }) => {
  await page.goto(`${PAGES}/render-de.html`);
  await expect(page.getByRole('heading', { name: 'Sprechen Sie mit unserem Team' })).toBeVisible();

  await page.getByRole('button', { name: 'Senden' }).click();

  const email = page.getByLabel('Geschäftliche E-Mail');
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(email).toBeFocused();
  await expect(page.locator('#contact #field-email-error')).toHaveText('Bitte füllen Sie dieses Feld aus.');
  await expect(email).toHaveAttribute('aria-describedby', 'field-email-error');
  await expect(page.getByRole('status')).toHaveText('Bitte korrigieren Sie die markierten Felder.');
});

test('invalid email is explained and the button works again', async ({ page }) => {
  await page.goto(`${PAGES}/render.html`);
  const email = page.getByLabel('Business email');
  await email.fill('ana@example');
  await page.getByRole('button', { name: 'Send' }).click();

  await expect(page.locator('#contact #field-email-error')).toHaveText('Please enter a valid email address.');
  await expect(email).toBeFocused();
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();

  await email.fill('ana@example.test');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  await expect(email).toHaveCount(0);
});

test('success announces, fires events and links the visitor cookie', async ({ page }) => {
  await recordWidgetEvents(page);
  await page.goto(`${PAGES}/render.html`);
  const cookie = await trackingCookie(page);

  await page.getByLabel('Business email').fill('rita.render@example.test');
  await page.getByLabel('First name').fill('Rita');
  await page.getByRole('button', { name: 'Send' }).click();

  const status = page.getByRole('status');
  await expect(status).toHaveText('Thank you! We will be in touch shortly.');
  await expect(status).toBeFocused();
  const [lead] = await leadsWithEmail('rita.render@example.test');
  expect(lead!.cookies).toContain(cookie);
  expect(lead!.anonymous).toBe(false);

  const events = await widgetEvents(page);
  expect(events.map((event) => [event.type, event.target])).toEqual([
    ['leadsync:submit', 'contact'],
    ['leadsync:success', 'contact']
  ]);
  expect(events[1]!.detail).toMatchObject({ formId: 'contact', status: expect.stringMatching(/^(created|updated|queued)$/) });
  expect(events[1]!.detail.submissionId).toBe(events[0]!.detail.submissionId);
  expect(JSON.stringify(events)).not.toContain('rita.render@example.test');
});

test('two forms on one page work independently', async ({ page }) => {
  await page.goto(`${PAGES}/two-forms.html`);
  const first = page.locator('#first');
  const second = page.locator('#second');
  await expect(second.getByRole('button', { name: 'Senden' })).toBeVisible();

  await first.getByLabel('Business email').fill('first.form@example.test');
  await first.getByRole('button', { name: 'Send' }).click();
  await expect(first.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  await expect(second.getByLabel('Geschäftliche E-Mail')).toBeVisible();
  await expect(second.getByRole('status')).toHaveText('');

  await second.getByLabel('Geschäftliche E-Mail').fill('second.form@example.test');
  await second.getByRole('button', { name: 'Senden' }).click();
  await expect(second.getByRole('status')).toHaveText('Vielen Dank! Wir melden uns in Kürze.');

  await page.getByLabel('Newsletter email').fill('third.form@example.test');
  await page.getByRole('button', { name: 'Subscribe' }).click();

  for (const email of ['first.form@example.test', 'second.form@example.test', 'third.form@example.test']) {
    expect(await leadsWithEmail(email)).toHaveLength(1);
  }
});
