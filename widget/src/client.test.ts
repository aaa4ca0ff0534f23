import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient, type SubmitRequest } from './client';
import { OUTBOX_KEY } from './delivery/delivery';
import { createLogger } from './log';
import { resolveOptions } from './options';
import { startFakeProxy, type FakeProxy } from './test-support/fake-proxy';
import { ATTRIBUTION_KEY } from './tracking/attribution';
import type { LeadsyncOptions } from './types';

let proxy: FakeProxy;
const log = createLogger(false);
const COOKIE = 'id:123-ABC-456&token:_mch-localhost-1700000000000-12345';

beforeAll(async () => {
  proxy = await startFakeProxy();
});
afterAll(() => proxy.close());
beforeEach(() => {
  document.cookie = `_mkto_trk=${encodeURIComponent(COOKIE)}; path=/`;
  history.replaceState(null, '', '/pricing?utm_source=news&utm_campaign=spring&gclid=g1#plans');
});
afterEach(() => {
  document.cookie = '_mkto_trk=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
  localStorage.clear();
  sessionStorage.clear();
  proxy.submissions.length = 0;
});

const client = (options: Partial<LeadsyncOptions> = {}) =>
  createClient(resolveOptions({ endpoint: proxy.endpoint, ...options }, log), log);

const request: SubmitRequest = { formId: 'contact', fields: { email: 'ana@example.test' }, locale: 'de', shownAt: Date.now() - 5000 };

async function submitAndReceive(target = client(), submit = request) {
  const submissionId = target.submit(submit, () => {});
  await vi.waitFor(() => expect(proxy.submissions).toHaveLength(1));
  const received = proxy.submissions[0]!;
  expect(received.submissionId).toBe(submissionId);
  return received;
}

describe('client.submit', () => {
  it('posts fields, cookie, page context and signals', async () => {
    const received = await submitAndReceive(client(), { ...request, honeypot: '' });

    expect(received.fields).toEqual({ email: 'ana@example.test' });
    expect(received.mktoTrk).toBe(COOKIE);
    expect(received.context).toEqual({
      pageUrl: 'http://localhost:3000/pricing?utm_source=news&utm_campaign=spring&gclid=g1#plans',
      referrer: '',
      utm: { utm_source: 'news', utm_campaign: 'spring', gclid: 'g1' },
      locale: 'de',
      consent: true
    });
    expect(received.signals.honeypot).toBe('');
    expect(received.signals.elapsedMs).toBeGreaterThanOrEqual(5000);
  });

  it('omits mktoTrk when Munchkin set no cookie', async () => {
    document.cookie = '_mkto_trk=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/';
    const received = await submitAndReceive();
    expect('mktoTrk' in received).toBe(false);
  });

  it('lets URL parameters beat configured defaults', async () => {
    const received = await submitAndReceive(client({ utmDefaults: { utm_source: 'website', utm_medium: 'organic' } }));
    expect(received.context.utm).toEqual({ utm_source: 'news', utm_medium: 'organic', utm_campaign: 'spring', gclid: 'g1' });
  });

  it('carries landing-page parameters to a later page', async () => {
    const target = client();
    history.replaceState(null, '', '/thanks');
    const received = await submitAndReceive(target);
    expect(received.context.utm).toEqual({ utm_source: 'news', utm_campaign: 'spring', gclid: 'g1' });
  });
});

describe('consent required', () => {
  it('reads and stores nothing before consent', async () => {
    const received = await submitAndReceive(client({ consent: 'required', utmDefaults: { utm_medium: 'web' } }));

    expect('mktoTrk' in received).toBe(false);
    expect(received.context.utm).toEqual({ utm_medium: 'web' });
    expect(received.context.pageUrl).toBe('http://localhost:3000/pricing');
    expect(sessionStorage.getItem(ATTRIBUTION_KEY)).toBeNull();
  });

  it('reads the cookie and parameters once consent is given', async () => {
    const target = client({ consent: 'required' });
    target.setConsent(true);
    expect(sessionStorage.getItem(ATTRIBUTION_KEY)).not.toBeNull();

    const received = await submitAndReceive(target);
    expect(received.mktoTrk).toBe(COOKIE);
    expect(received.context.utm).toEqual({ utm_source: 'news', utm_campaign: 'spring', gclid: 'g1' });
  });

  it('withdrawal clears stored tracking data', () => {
    proxy.replies.push({ status: 503, body: { error: { code: 'upstream_unavailable', message: 'down', retryable: true } } });
    const target = client();
    target.submit(request, () => {});
    expect(sessionStorage.getItem(ATTRIBUTION_KEY)).not.toBeNull();

    target.setConsent(false);

    expect(sessionStorage.getItem(ATTRIBUTION_KEY)).toBeNull();
    const [entry] = JSON.parse(localStorage.getItem(OUTBOX_KEY)!);
    expect(entry.body.mktoTrk).toBeUndefined();
    expect(entry.body.context.utm).toEqual({});
    expect(entry.body.context.pageUrl).toBe('http://localhost:3000/pricing');
  });
});

describe('client.loadForm', () => {
  it('returns the definition', async () => {
    proxy.forms.contact = { id: 'contact', munchkinId: '123-ABC-456', fields: [] };
    await expect(client().loadForm('contact')).resolves.toEqual(proxy.forms.contact);
  });

  it('fetches each definition once', async () => {
    proxy.forms.contact = { id: 'contact', munchkinId: '123-ABC-456', fields: [] };
    const target = client();
    const requestsBefore = proxy.definitionRequests;
    await target.loadForm('contact');
    await target.loadForm('contact');
    expect(proxy.definitionRequests - requestsBefore).toBe(1);
  });

  it('fetches again after a failure', async () => {
    const target = client();
    await expect(target.loadForm('later')).rejects.toThrow('got HTTP 404');
    proxy.forms.later = { id: 'later', munchkinId: '123-ABC-456', fields: [] };
    await expect(target.loadForm('later')).resolves.toEqual(proxy.forms.later);
  });

  it('rejects an unknown form with the URL and status', async () => {
    await expect(client().loadForm('missing')).rejects.toThrow(`GET ${proxy.endpoint}/v1/forms/missing failed: expected HTTP 200 with a "fields" array, got HTTP 404`);
  });
});
