/**
 * Helpers shared by the widget specs (widget-*.spec.ts). Their pages live in e2e/pages/widget/
 * and are served under /e2e/widget/.
 */
import { expect, type Page, type Request } from '@playwright/test';
import { emulatorLeads, type EmulatorLead } from '../support/marketo.ts';

export const PAGES = '/e2e/widget';

/** The JSON body the widget posts to the proxy. */
export interface PostedSubmission {
  submissionId: string;
  fields: Record<string, string | boolean>;
  mktoTrk?: string;
  context: { pageUrl: string; referrer: string; utm: Record<string, string>; locale: string };
  signals: { honeypot?: string; elapsedMs: number };
}

const isSubmission = (request: Request) => request.method() === 'POST' && request.url().endsWith('/submissions');

/** Collects every submission request the page sends, from now on. */
export function recordSubmissions(page: Page): PostedSubmission[] {
  const posted: PostedSubmission[] = [];
  page.on('request', (request) => {
    if (isSubmission(request)) posted.push(request.postDataJSON() as PostedSubmission);
  });
  return posted;
}

/** Counts the submission requests the proxy accepted (200 or 202), from now on. */
export function countAcceptedSubmissions(page: Page): { accepted: number } {
  const counter = { accepted: 0 };
  page.on('response', (response) => {
    if (isSubmission(response.request()) && (response.status() === 200 || response.status() === 202)) counter.accepted++;
  });
  return counter;
}

/** Collects the widget's events as they reach `document`. Call before the page loads. */
export async function recordWidgetEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const events: { type: string; target: string; detail: unknown }[] = [];
    (window as unknown as { widgetEvents: typeof events }).widgetEvents = events;
    for (const type of ['leadsync:submit', 'leadsync:success', 'leadsync:error']) {
      document.addEventListener(type, (event) => {
        const target = event.target as Element;
        events.push({ type, target: target.id || target.localName, detail: (event as CustomEvent).detail });
      });
    }
  });
}

export function widgetEvents(page: Page): Promise<{ type: string; target: string; detail: Record<string, unknown> }[]> {
  return page.evaluate(() => (window as unknown as { widgetEvents: never[] }).widgetEvents);
}

/** Waits for the Munchkin stand-in's `_mkto_trk` cookie and returns its value. */
export async function trackingCookie(page: Page): Promise<string> {
  const read = async () => (await page.context().cookies()).find((cookie) => cookie.name === '_mkto_trk')?.value ?? '';
  await expect.poll(read).toMatch(/^id:123-ABC-456&token:_mch-/);
  return read();
}

/** Waits until the emulator has a lead with `email` and returns all leads with it. */
export async function leadsWithEmail(email: string): Promise<EmulatorLead[]> {
  await expect.poll(async () => (await emulatorLeads()).filter((lead) => lead.email === email).length).toBeGreaterThan(0);
  return (await emulatorLeads()).filter((lead) => lead.email === email);
}
