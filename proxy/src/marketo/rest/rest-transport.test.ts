import { describe, expect, it } from 'vitest';

import { defaultRetryPolicy } from '../../app.js';
import type { ProxyConfig } from '../../config.js';
import { createDeliver } from '../../delivery/deliver.js';
import { createRetryPolicy } from '../../delivery/retry-policy.js';
import { MarketoError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import { fakeUpstream, type FakeReply, type RecordedRequest } from '../../testing/fake-upstream.js';
import type { LeadSync } from '../transport.js';
import { createRestTransport, type RestTransportOptions } from './rest-transport.js';

/**
 * Replies the emulator cannot produce (gateway errors, broken bodies, network failures),
 * from a fake upstream that replies to each request by its path.
 */

const SECRET = 'client-secret-value';
const TOKEN_REPLY: FakeReply = { status: 200, body: JSON.stringify({ access_token: 'token-1:ab', token_type: 'bearer', expires_in: 3600, scope: 'api@example.test' }), contentType: 'application/json' };
const CREATED: FakeReply = { status: 200, body: JSON.stringify({ requestId: 'a#1', success: true, result: [{ id: 7, status: 'created' }] }), contentType: 'application/json' };
const LEAD: LeadSync = { email: 'ana@example.test', attributes: [{ name: 'firstName', value: 'Ana' }] };

function json(body: unknown): FakeReply {
  return { status: 200, body: JSON.stringify(body), contentType: 'application/json' };
}

/** Creates a fake Marketo whose identity always issues a token and whose API calls get `apiReplies` in order, the last repeating. */
function marketo(...apiReplies: FakeReply[]) {
  let apiCall = 0;
  return fakeUpstream((request: RecordedRequest) => {
    if (new URL(request.url).pathname === '/identity/oauth/token') return TOKEN_REPLY;
    const reply = apiReplies[Math.min(apiCall, apiReplies.length - 1)];
    apiCall += 1;
    return reply ?? CREATED;
  });
}

function transport(fetch: typeof globalThis.fetch, options: Partial<RestTransportOptions> = {}) {
  return createRestTransport({ endpoint: 'https://123-ABC-456.mktorest.test', clientId: 'client-id', clientSecret: SECRET, fetch, ...options });
}

async function failure(promise: Promise<unknown>): Promise<MarketoError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MarketoError);
  return error as MarketoError;
}

describe('createRestTransport', () => {
  it.each([502, 503])('classifies HTTP %i as unavailable, retried by delivery', async (status) => {
    const upstream = marketo({ status, body: '<html>Bad Gateway</html>', contentType: 'text/html' }, CREATED);
    const deliver = createDeliver({ transport: transport(upstream.fetch), policy: createRetryPolicy({ baseDelayMs: 1, maxDelayMs: 2 }) });

    const result = await deliver(LEAD, { log: silentLogger });

    expect(result).toMatchObject({ ok: true, attempts: 2, outcome: { leadId: 7, status: 'created' } });
  });

  it.each([
    ['606', { requestId: 'a#2', success: false, errors: [{ code: '606', message: 'Max rate limit exceeded' }] }],
    ['615', { requestId: 'a#2', success: false, errors: [{ code: '615', message: 'Concurrent access limit reached' }] }],
    ['611', { requestId: 'a#2', success: false, errors: [{ code: '611', message: 'System error' }] }],
  ])('resends Sync Leads after %s under the default policy', async (_code, reply) => {
    const upstream = marketo(json(reply), CREATED);
    const policy = defaultRetryPolicy({ marketo: { api: 'rest' } } as ProxyConfig);
    const deliver = createDeliver({ transport: transport(upstream.fetch), policy, budgetMs: 20_000 });

    const result = await deliver(LEAD, { log: silentLogger });

    expect(result).toMatchObject({ ok: true, attempts: 2, outcome: { leadId: 7, status: 'created' } });
  });

  it('logs retries with the caller logger', async () => {
    const rateLimited = json({ requestId: 'a#2', success: false, errors: [{ code: '606', message: 'Max rate limit exceeded' }] });
    const upstream = marketo(CREATED, rateLimited, json({ requestId: 'a#3', success: true }));
    const lines: Array<Record<string, unknown>> = [];
    const log: Logger = { log: (level, message, fields) => lines.push({ level, message, ...fields, submissionId: 'submission-1' }) };
    const lead: LeadSync = { ...LEAD, cookie: 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345' };

    const outcome = await transport(upstream.fetch, { sleep: async () => undefined }).syncLead(lead, { log });

    expect(outcome).toMatchObject({ leadId: 7, cookieAssociation: 'associated' });
    expect(lines).toEqual([expect.objectContaining({ message: 'Marketo REST call failed; retrying after backoff', operation: 'Associate Lead', code: 606, submissionId: 'submission-1' })]);
  });

  it('reports HTTP 502 once as unavailable and retryable', async () => {
    const error = await failure(transport(marketo({ status: 502, body: 'Bad Gateway' }).fetch).syncLead(LEAD));

    expect(error.kind).toBe('unavailable');
    expect(error.code).toBe('upstream_unavailable');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe('Marketo Sync Leads failed with HTTP 502 (Bad Gateway).');
  });

  it('reports HTTP 404 with the fix for a base URL that ends in /rest', async () => {
    const error = await failure(transport(marketo({ status: 404, body: 'Not Found' }).fetch).syncLead(LEAD));

    expect(error.message).toContain('failed with HTTP 404');
    expect(error.message).toContain('set MARKETO_REST_ENDPOINT to the base URL without /rest');
  });

  it('reports a redirect with its fix', async () => {
    const error = await failure(transport(marketo({ status: 308, body: '' }).fetch).syncLead(LEAD));

    expect(error.retryable).toBe(false);
    expect(error.message).toContain('set MARKETO_REST_ENDPOINT to the address it redirects to');
  });

  it('reports HTTP 413 as a rejected request', async () => {
    const error = await failure(transport(marketo({ status: 413, body: '' }).fetch).syncLead(LEAD));

    expect(error.kind).toBe('bad_request');
    expect(error.retryable).toBe(false);
  });

  it('reports a 200 reply that is not JSON as invalid_reply', async () => {
    const error = await failure(transport(marketo({ status: 200, body: '<html></html>', contentType: 'text/html' }).fetch).syncLead(LEAD));

    expect(error.kind).toBe('invalid_reply');
    expect(error.retryable).toBe(true);
  });

  it('treats success with errors[] as a failure', async () => {
    const upstream = marketo(json({ requestId: 'a#1', success: true, errors: [{ code: '611', message: 'System error' }] }));

    const error = await failure(transport(upstream.fetch).syncLead(LEAD));

    expect(error.faultCode).toBe(611);
  });

  it('reports success:false without errors[] as invalid_reply', async () => {
    const error = await failure(transport(marketo(json({ requestId: 'a#1', success: false })).fetch).syncLead(LEAD));

    expect(error.kind).toBe('invalid_reply');
  });

  it('reports a created record without an id as invalid_reply', async () => {
    const error = await failure(transport(marketo(json({ success: true, result: [{ status: 'created' }] })).fetch).syncLead(LEAD));

    expect(error.kind).toBe('invalid_reply');
  });

  it('masks e-mail addresses in quoted Marketo messages', async () => {
    const upstream = marketo(json({ success: true, result: [{ status: 'skipped', reasons: [{ code: '1007', message: 'Multiple leads match ana@example.test' }] }] }));

    const error = await failure(transport(upstream.fetch).syncLead(LEAD));

    expect(error.message).toBe('Marketo Sync Leads skipped the lead: 1007 Multiple leads match a***@example.test.');
  });

  it('keeps the client secret out of network error messages', async () => {
    const failingFetch: typeof fetch = async (input) => {
      throw new TypeError(`fetch failed for ${String(input instanceof Request ? input.url : input)}`, { cause: new Error(`connect ECONNREFUSED ${SECRET}`) });
    };

    const error = await failure(transport(failingFetch).syncLead(LEAD));

    expect(error.kind).toBe('unavailable');
    expect(error.message).toContain('identity token request failed before a reply');
    expect(error.message).not.toContain(SECRET);
    expect(error.cause).toBeUndefined();
  });

  it('reports an identity reply without access_token as invalid_reply', async () => {
    const upstream = fakeUpstream(json({ token_type: 'bearer' }));

    const error = await failure(transport(upstream.fetch).syncLead(LEAD));

    expect(error.kind).toBe('invalid_reply');
    expect(upstream.calls).toBe(1);
  });

  it('reports identity HTTP 503 as unavailable', async () => {
    const error = await failure(transport(fakeUpstream({ status: 503, body: '' }).fetch).syncLead(LEAD));

    expect(error.kind).toBe('unavailable');
    expect(error.retryable).toBe(true);
  });

  it('times out a silent upstream', async () => {
    const silent: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));

    const error = await failure(transport(silent, { timeoutMs: 20 }).syncLead(LEAD));

    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('Marketo identity token request did not respond within 20 ms.');
  });

  it('passes the caller abort reason through', async () => {
    const controller = new AbortController();
    const reason = new Error('visitor left');
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const upstream = marketo(CREATED);
    const pending = transport(async (input, init) => (String(input instanceof Request ? input.url : input).includes('/identity/') ? upstream.fetch(input, init) : hanging(input, init))).syncLead(LEAD, {
      signal: controller.signal,
    });

    controller.abort(reason);

    await expect(pending).rejects.toBe(reason);
  });

  it('renews the token no earlier than the refresh margin', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const upstream = marketo(CREATED);
    const shared = transport(upstream.fetch, { now: () => new Date(now), refreshMarginMs: 60_000 });

    await shared.syncLead(LEAD);
    now += 3_539_000;
    await shared.syncLead(LEAD);
    now += 1_000;
    await shared.syncLead(LEAD);

    const identityCalls = upstream.requests.filter((request) => request.url.includes('/identity/'));
    expect(identityCalls).toHaveLength(2);
  });
});
