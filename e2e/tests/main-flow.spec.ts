/**
 * The main job, end to end: an anonymous visitor browses the demo site (Munchkin records the
 * visits), fills in a form, and becomes a known lead that keeps those visits.
 */
import { expect, test, type Page } from '@playwright/test';
import { emulatorLeads, getLeadByCookie, resetEmulator } from '../support/marketo.ts';

async function trackingCookie(page: Page): Promise<string> {
  await expect.poll(async () => (await page.context().cookies()).find((cookie) => cookie.name === '_mkto_trk')?.value ?? '').toMatch(/^id:123-ABC-456&token:_mch-127\.0\.0\.1-\d+-\d{5}$/);
  return (await page.context().cookies()).find((cookie) => cookie.name === '_mkto_trk')!.value;
}

async function browseAnonymously(page: Page): Promise<string> {
  await page.goto('/');
  const cookie = await trackingCookie(page);
  await page.goto('/product.html');
  await expect.poll(async () => (await emulatorLeads()).find((lead) => lead.cookies.includes(cookie))?.visits.length ?? 0).toBeGreaterThanOrEqual(2);
  const anonymous = (await emulatorLeads()).find((lead) => lead.cookies.includes(cookie))!;
  expect(anonymous.anonymous).toBe(true);
  return cookie;
}

async function expectKnownLeadWithHistory(cookie: string, email: string, firstName: string) {
  const [lead, ...others] = await getLeadByCookie(cookie);
  expect(others).toHaveLength(0);
  expect(lead!.Email).toBe(email);
  expect(lead!.attributes.FirstName).toBe(firstName);

  const stored = (await emulatorLeads()).find((candidate) => candidate.id === lead!.Id)!;
  expect(stored.anonymous).toBe(false);
  const visited = stored.visits.map((visit) => new URL(visit.url).pathname);
  expect(visited).toEqual(expect.arrayContaining(['/', '/product.html']));
  expect((await emulatorLeads()).filter((candidate) => candidate.email === email)).toHaveLength(1);
}

test.beforeEach(async () => {
  await resetEmulator();
});

test('rendered contact form turns the anonymous visitor into a known lead with both visits @both-apis', async ({ page }) => {
  const cookie = await browseAnonymously(page);

  await page.goto('/contact.html');
  await page.getByLabel('Business email').fill('ana.visitor@example.test');
  await page.getByLabel('First name').fill('Ana');
  await page.getByLabel('Last name').fill('Visitor');
  await page.getByLabel('Company').fill('Lee & Sons <Holdings>');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText('Thank you! We will be in touch shortly.')).toBeVisible();

  await expectKnownLeadWithHistory(cookie, 'ana.visitor@example.test', 'Ana');
  const lead = (await emulatorLeads()).find((candidate) => candidate.email === 'ana.visitor@example.test')!;
  expect(lead.attributes.Company ?? lead.attributes.company).toBe('Lee & Sons <Holdings>');
});

test('captured webinar form turns the anonymous visitor into a known lead with both visits @both-apis', async ({ page }) => {
  const cookie = await browseAnonymously(page);

  await page.goto('/webinar.html');
  await page.getByLabel('Work email').fill('ben.webinar@example.test');
  await page.getByLabel('First name').fill('Ben');
  await page.getByLabel('Company').fill('Zoë GmbH');
  await page.getByRole('button', { name: 'Save my seat' }).click();
  // The form carries data-submit-native: after the capture it goes on to the site's own page.
  await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();

  await expect.poll(async () => (await emulatorLeads()).some((lead) => lead.email === 'ben.webinar@example.test')).toBe(true);
  await expectKnownLeadWithHistory(cookie, 'ben.webinar@example.test', 'Ben');
});

test('German page renders the contact form in German and submits it', async ({ page }) => {
  await page.goto('/de/');
  await trackingCookie(page);
  await page.getByLabel('Geschäftliche E-Mail').fill('clara.deutsch@example.test');
  await page.getByLabel('Vorname').fill('Clara');
  await page.getByRole('button', { name: 'Senden' }).click();
  await expect(page.getByText('Vielen Dank! Wir melden uns in Kürze.')).toBeVisible();
  await expect.poll(async () => (await emulatorLeads()).find((lead) => lead.email === 'clara.deutsch@example.test')?.attributes.FirstName).toBe('Clara');
});
