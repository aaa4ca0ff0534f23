/**
 * Capture mode: the widget sends the fills of the site's own forms, including forms that a page
 * builder inserts late and values that autofill sets without input events.
 */
import { expect, test, type Page, type Request } from '@playwright/test';
import { resetEmulator } from '../support/marketo.ts';
import { leadsWithEmail, PAGES, recordSubmissions } from './widget-support.ts';

test.beforeEach(async () => {
  await resetEmulator();
});

test('captured form sends live values and skips sensitive fields', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/capture.html`);
  await page.getByLabel('Email').fill('carl.capture@example.test');
  await page.getByLabel('First name').fill('Carl');
  await page.getByLabel('Password').fill('hunter2');
  await page.getByLabel('Card number').fill('4111 1111 1111 1111');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('IBAN').fill('DE89370400440532013000');
  await page.getByRole('button', { name: 'Sign up' }).click();

  const [lead] = await leadsWithEmail('carl.capture@example.test');
  expect(posted).toHaveLength(1);
  expect(posted[0]!.fields).toEqual({
    email: 'carl.capture@example.test',
    firstName: 'Carl',
    company: 'Hidden Corp',
    lastName: 'Alpha;Gamma'
  });
  expect(JSON.stringify(posted[0])).not.toMatch(/hunter2|4111|123"|DE89|must not be sent/);
  expect(Object.values(lead!.attributes)).toContain('Hidden Corp');
  expect(page.url()).toContain('/capture.html');
});

test('captured form leaves out fields the form does not define', async ({ page }) => {
  const posted = recordSubmissions(page);
  const debugLines: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'debug') debugLines.push(message.text());
  });
  await page.goto(`${PAGES}/capture.html`);
  await page.getByLabel('Email').fill('mia.message@example.test');
  await page.getByLabel('Message').fill('Please call me back');
  await page.getByLabel('Password').fill('hunter2');
  await page.getByRole('button', { name: 'Sign up' }).click();

  const [lead] = await leadsWithEmail('mia.message@example.test');
  expect(lead!.anonymous).toBe(false);
  expect(Object.keys(posted[0]!.fields).sort()).toEqual(['company', 'email', 'lastName']);
  expect(JSON.stringify(posted[0])).not.toMatch(/csrf-4f9a|call me back/);
  expect(debugLines).toContain('[leadsync] form "contact": skipped fields it does not define: csrf_token, message');
});

test('values set without input events are sent', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/capture.html`);
  await expect(page.locator('#signup')).toBeVisible();

  // Autofill and password managers write `.value` directly and fire no input events.
  await page.evaluate(() => {
    (document.getElementById('email') as HTMLInputElement).value = 'autofilled.capture@example.test';
    (document.getElementById('first-name') as HTMLInputElement).value = 'Ada';
  });
  await page.getByRole('button', { name: 'Sign up' }).click();

  await leadsWithEmail('autofilled.capture@example.test');
  expect(posted[0]!.fields).toMatchObject({ email: 'autofilled.capture@example.test', firstName: 'Ada' });
});

test('rendered form sends values set without input events', async ({ page }) => {
  await page.goto(`${PAGES}/render.html`);
  await expect(page.getByLabel('Business email')).toBeVisible();

  await page.evaluate(() => {
    const root = document.getElementById('contact')!.shadowRoot!;
    (root.querySelector('[name="email"]') as HTMLInputElement).value = 'autofilled.render@example.test';
    (root.querySelector('[name="company"]') as HTMLInputElement).value = 'Filled Ltd';
  });
  await page.getByRole('button', { name: 'Send' }).click();

  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  const [lead] = await leadsWithEmail('autofilled.render@example.test');
  expect(Object.values(lead!.attributes)).toContain('Filled Ltd');
});

test('builder page gets both forms bound after inserting them late', async ({ page }) => {
  await page.goto(`${PAGES}/builder.html`);

  await page.getByLabel('Business email').fill('late.render@example.test');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');

  await expect(page.locator('#built-capture')).toHaveAttribute('data-leadsync-capture', 'contact');
  await page.getByLabel('Builder email').fill('late.capture@example.test');
  await page.getByRole('button', { name: 'Register' }).click();

  expect(await leadsWithEmail('late.render@example.test')).toHaveLength(1);
  expect(await leadsWithEmail('late.capture@example.test')).toHaveLength(1);
});

test('data-submit-native lets the site form submit after the capture', async ({ page }) => {
  await page.goto(`${PAGES}/capture-native.html`);
  await page.getByLabel('Email').fill('nina.native@example.test');
  await page.getByRole('button', { name: 'Sign up' }).click();

  await expect(page).toHaveURL(/\/e2e\/widget\/thanks\.html\?email=nina\.native%40example\.test$/);
  expect(await leadsWithEmail('nina.native@example.test')).toHaveLength(1);
});

test('browser validation of the site form still runs first', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/capture-native.html`);
  await page.getByRole('button', { name: 'Sign up' }).click();

  expect(await page.getByLabel('Email').evaluate((input: HTMLInputElement) => input.validity.valueMissing)).toBe(true);
  await page.waitForTimeout(300);
  expect(posted).toHaveLength(0);
  expect(page.url()).toContain('/capture-native.html');
});

/** Waits for the request to `target` (e.g. "thanks.html") that the test page server receives: the native submission. */
function siteRequest(page: Page, target: string): Promise<Request> {
  return page.waitForRequest((request) => new URL(request.url()).pathname === `${PAGES}/${target}`);
}

test('data-submit-native sends the pressed button', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/capture-buttons.html`);
  await page.getByLabel('Email').fill('paul.publish@example.test');
  const arrived = siteRequest(page, 'thanks.html');
  await page.getByRole('button', { name: 'Publish' }).click();

  const query = new URL((await arrived).url()).searchParams;
  expect(query.get('email')).toBe('paul.publish@example.test');
  expect(query.getAll('intent')).toEqual(['publish']);
  expect(await leadsWithEmail('paul.publish@example.test')).toHaveLength(1);
  expect(posted).toHaveLength(1);
  expect(posted[0]!.fields).toEqual({ email: 'paul.publish@example.test' });
});

test('data-submit-native follows the button formaction', async ({ page }) => {
  await page.goto(`${PAGES}/capture-buttons.html`);
  await page.getByLabel('Email').fill('pia.preview@example.test');
  const arrived = siteRequest(page, 'preview.html');
  await page.getByRole('button', { name: 'Preview' }).click();

  const request = await arrived;
  expect(request.method()).toBe('POST');
  expect(new URLSearchParams(request.postData() ?? '').toString()).toBe('email=pia.preview%40example.test&intent=preview');
  await expect(page).toHaveURL(/\/e2e\/widget\/preview\.html$/);
  expect(await leadsWithEmail('pia.preview@example.test')).toHaveLength(1);
});

test('data-submit-native restores the form after formtarget', async ({ page }) => {
  await page.goto(`${PAGES}/capture-buttons.html`);
  await page.getByLabel('Email').fill('sam.share@example.test');
  const popup = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Share' }).click();

  await expect(await popup).toHaveURL(/\/e2e\/widget\/preview\.html\?email=sam\.share%40example\.test&intent=share$/);
  expect(page.url()).toContain('/capture-buttons.html');
  const form = page.locator('#signup');
  await expect(form).toHaveAttribute('action', 'thanks.html');
  await expect(form).toHaveAttribute('method', 'get');
  expect(await form.evaluate((element) => element.hasAttribute('target') || element.hasAttribute('enctype'))).toBe(false);
  expect(await leadsWithEmail('sam.share@example.test')).toHaveLength(1);
});

test('data-submit-native sends a submit input default label', async ({ page }) => {
  await page.goto(`${PAGES}/capture-buttons.html`);
  await page.getByLabel('Email').fill('lia.label@example.test');
  const arrived = siteRequest(page, 'thanks.html');
  await page.locator('input[name="plain"]').click();

  const query = new URL((await arrived).url()).searchParams;
  expect(query.get('plain')).toBe('Submit');
  expect(query.has('intent')).toBe(false);
  expect(await leadsWithEmail('lia.label@example.test')).toHaveLength(1);
});

test('data-submit-native sends an image button click position', async ({ page }) => {
  await page.goto(`${PAGES}/capture-buttons.html`);
  await page.getByLabel('Email').fill('ivo.image@example.test');
  const arrived = siteRequest(page, 'thanks.html');
  await page.getByRole('button', { name: 'Go' }).click({ position: { x: 5, y: 3 } });

  expect(new URL((await arrived).url()).search).toBe('?email=ivo.image%40example.test&go.x=5&go.y=3');
  expect(await leadsWithEmail('ivo.image@example.test')).toHaveLength(1);
});

test('data-submit-native sends image button zeros after Enter', async ({ page }) => {
  await page.goto(`${PAGES}/capture-buttons.html`);
  await page.getByLabel('Email').fill('kai.keyboard@example.test');
  const arrived = siteRequest(page, 'thanks.html');
  await page.getByRole('button', { name: 'Go' }).press('Enter');

  expect(new URL((await arrived).url()).search).toBe('?email=kai.keyboard%40example.test&go.x=0&go.y=0');
  expect(await leadsWithEmail('kai.keyboard@example.test')).toHaveLength(1);
});
