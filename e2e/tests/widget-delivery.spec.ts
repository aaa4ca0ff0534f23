/**
 * Delivery: one lead per submission, however often the visitor clicks, and no lost lead when
 * the network drops or the proxy responds with a retryable error.
 */
import { expect, test } from '@playwright/test';
import { resetEmulator } from '../support/marketo.ts';
import { countAcceptedSubmissions, leadsWithEmail, PAGES, recordSubmissions } from './widget-support.ts';

test.beforeEach(async () => {
  await resetEmulator();
});

const outbox = (page: import('@playwright/test').Page) => page.evaluate(() => localStorage.getItem('leadsync:outbox'));

test('offline submission is delivered once back online', async ({ page, context }) => {
  const counter = countAcceptedSubmissions(page);
  await page.goto(`${PAGES}/render.html`);
  await page.getByLabel('Business email').fill('offline.visitor@example.test');

  await context.setOffline(true);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toHaveText('Sending is delayed. Your message is saved and will be sent automatically.');
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  expect(await outbox(page)).toContain('offline.visitor@example.test');

  await context.setOffline(false);
  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  expect(await leadsWithEmail('offline.visitor@example.test')).toHaveLength(1);
  expect(counter.accepted).toBe(1);
  expect(await outbox(page)).toBeNull();
});

test('submission left waiting is sent after a reload', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.route('**/submissions', (route) => route.abort('internetdisconnected'));
  await page.goto(`${PAGES}/render.html`);
  await page.getByLabel('Business email').fill('reload.visitor@example.test');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('status')).toHaveText('Sending is delayed. Your message is saved and will be sent automatically.');

  await page.unroute('**/submissions');
  await page.reload();
  expect(await leadsWithEmail('reload.visitor@example.test')).toHaveLength(1);
  await expect.poll(() => outbox(page)).toBeNull();
  expect(new Set(posted.map((submission) => submission.submissionId)).size).toBe(1);
});

test('retryable proxy error is retried with the same submissionId', async ({ page }) => {
  const posted = recordSubmissions(page);
  let failures = 1;
  await page.route('**/submissions', (route) =>
    failures-- > 0
      ? route.fulfill({
          status: 503,
          contentType: 'application/json',
          headers: { 'Retry-After': '1', 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Retry-After' },
          body: JSON.stringify({ error: { code: 'upstream_unavailable', message: 'Marketo is unavailable', retryable: true } })
        })
      : route.continue()
  );
  await page.goto(`${PAGES}/render.html`);
  await page.getByLabel('Business email').fill('retry.visitor@example.test');
  await page.getByRole('button', { name: 'Send' }).click();

  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.', { timeout: 10_000 });
  expect(posted).toHaveLength(2);
  expect(posted[1]!.submissionId).toBe(posted[0]!.submissionId);
  expect(await leadsWithEmail('retry.visitor@example.test')).toHaveLength(1);
});

test('double click sends one submission', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/render.html`);
  await page.getByLabel('Business email').fill('double.click@example.test');
  await page.getByRole('button', { name: 'Send' }).dblclick();

  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  expect(posted).toHaveLength(1);
  expect(await leadsWithEmail('double.click@example.test')).toHaveLength(1);
});

test('Enter then click sends one submission', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.route('**/submissions', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 300));
    await route.continue();
  });
  await page.goto(`${PAGES}/render.html`);
  const email = page.getByLabel('Business email');
  await email.fill('enter.click@example.test');
  await email.press('Enter');
  await page.getByRole('button', { name: 'Send' }).click({ force: true });

  await expect(page.getByRole('status')).toHaveText('Thank you! We will be in touch shortly.');
  expect(posted).toHaveLength(1);
  expect(await leadsWithEmail('enter.click@example.test')).toHaveLength(1);
});

test('captured form sends once on a double click', async ({ page }) => {
  const posted = recordSubmissions(page);
  await page.goto(`${PAGES}/capture.html`);
  await page.getByLabel('Email').fill('double.capture@example.test');
  await page.getByRole('button', { name: 'Sign up' }).dblclick();

  expect(await leadsWithEmail('double.capture@example.test')).toHaveLength(1);
  await page.waitForTimeout(300);
  expect(posted).toHaveLength(1);
});
