/**
 * Delivery rules of the submission route through `app.request()`: idempotency, the e-mail lock,
 * the call limiter, retries, the delivery budget, Retry-After and the outbox seam. Each test
 * checks the status and how often the fake Marketo was called.
 */
import { describe, expect, it } from 'vitest';

import type { DeadLetter, Outbox, OutboxEntry } from './outbox/outbox.js';
import { SqliteOutbox } from './outbox/sqlite-outbox.js';
import { createHarness, errorOf, postSubmission, submission } from './testing/app-harness.js';
import type { FakeReply } from './testing/fake-upstream.js';
import { faultReply, successReply } from './testing/soap-replies.js';

const created: FakeReply = { status: 200, body: successReply(4242, 'CREATED') };
const html500: FakeReply = { status: 500, body: '<html><body>Internal Server Error</body></html>', contentType: 'text/html' };

/** Returns a fetch that responds after `delayMs` and records how many requests were open at once. */
function slowUpstream(delayMs: number, reply: (body: string) => FakeReply = () => created) {
  let open = 0;
  let peak = 0;
  let calls = 0;
  const fetch = (async (_input: RequestInfo | URL, init?: RequestInit) => {
    calls += 1;
    open += 1;
    peak = Math.max(peak, open);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    open -= 1;
    const { status, body } = reply(String(init?.body ?? ''));
    return new Response(body, { status, headers: { 'Content-Type': 'text/xml; charset=UTF-8' } });
  }) as typeof globalThis.fetch;
  return { fetch, peak: () => peak, calls: () => calls };
}

function recordingOutbox(): Outbox & { entries: OutboxEntry[]; deadLetters: DeadLetter[] } {
  const entries: OutboxEntry[] = [];
  const deadLetters: DeadLetter[] = [];
  return {
    entries,
    deadLetters,
    async enqueue(entry) {
      entries.push(entry);
      return true;
    },
    async enqueueDeadLetter(letter) {
      deadLetters.push(letter);
      return true;
    },
  };
}

describe('app idempotency by submissionId', () => {
  it('returns the first result for a repeat and calls Marketo once', async () => {
    const { app, upstream, logs } = createHarness({ replies: [created, { status: 200, body: successReply(9, 'UPDATED') }] });
    const body = submission();

    const first = await postSubmission(app, body);
    const second = await postSubmission(app, body);

    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect(upstream.calls).toBe(1);
    expect(logs).toContainEqual(expect.objectContaining({ message: expect.stringContaining('Repeated submissionId'), leadId: 4242 }));
  });

  it('joins a repeat that arrives while the first is running', async () => {
    const upstream = slowUpstream(50);
    const { app } = createHarness({ fetch: upstream.fetch });
    const body = submission();

    const [first, second] = await Promise.all([postSubmission(app, body), postSubmission(app, body)]);

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(await second.json()).toEqual(await first.json());
    expect(upstream.calls()).toBe(1);
  });

  it('answers 422 for an id reused with other fields', async () => {
    const { app, upstream } = createHarness();
    const body = submission();
    await postSubmission(app, body);

    const reused = await postSubmission(app, { ...body, fields: { email: 'eve@example.test' } });

    expect(reused.status).toBe(422);
    expect(await errorOf(reused)).toMatchObject({ code: 'submission_id_reused', retryable: false });
    expect(upstream.calls).toBe(1);
  });

  it('accepts the same fields in another key order and without tracking data', async () => {
    const { app, upstream } = createHarness();
    const body = submission({ fields: { email: 'ana@example.test', firstName: 'Ana' } });
    await postSubmission(app, body);

    const retry = await postSubmission(app, { ...body, fields: { firstName: 'Ana', email: 'ana@example.test' }, mktoTrk: undefined, context: {} });

    expect(retry.status).toBe(200);
    expect(upstream.calls).toBe(1);
  });

  it('calls Marketo again after a retryable failure', async () => {
    const { app, upstream } = createHarness({ replies: [html500, html500, html500, html500, created] });
    const body = submission();

    const failed = await postSubmission(app, body);
    const retried = await postSubmission(app, body);

    expect(failed.status).toBe(503);
    expect(retried.status).toBe(200);
    expect(upstream.calls).toBe(5);
  });

  it('stores no result for a rejected submission', async () => {
    const { app, upstream } = createHarness();
    const body = submission({ fields: { email: 'not-an-address' } });

    expect((await postSubmission(app, body)).status).toBe(400);
    expect((await postSubmission(app, body)).status).toBe(400);
    expect(upstream.calls).toBe(0);
  });
});

describe('app e-mail lock', () => {
  it('never sends two upserts for one address at once', async () => {
    const upstream = slowUpstream(30);
    const { app } = createHarness({ fetch: upstream.fetch });

    const responses = await Promise.all([
      postSubmission(app, submission({ fields: { email: 'ana@example.test' } })),
      postSubmission(app, submission({ fields: { email: 'Ana@Example.test' } })),
      postSubmission(app, submission({ fields: { email: 'ana@example.test', firstName: 'Ana' } })),
    ]);

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200]);
    expect(upstream.calls()).toBe(3);
    expect(upstream.peak()).toBe(1);
  });
});

describe('app call limiter', () => {
  it('keeps calls in flight at the configured maximum', async () => {
    const upstream = slowUpstream(30);
    const { app } = createHarness({ fetch: upstream.fetch, env: { MARKETO_MAX_CONCURRENT_CALLS: '2' } });

    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, index) => postSubmission(app, submission({ fields: { email: `p${index}@example.test` } }))),
    );

    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(upstream.peak()).toBe(2);
    expect(upstream.calls()).toBe(6);
  });

  it('answers 503 with Retry-After when no slot frees in time', async () => {
    const upstream = slowUpstream(300);
    const { app } = createHarness({ fetch: upstream.fetch, env: { MARKETO_MAX_CONCURRENT_CALLS: '1', LEADSYNC_QUEUE_TIMEOUT_MS: '50' } });

    // Either request may reach the limiter first; the other one waits and gives up.
    const responses = await Promise.all([
      postSubmission(app, submission({ fields: { email: 'a@example.test' } })),
      postSubmission(app, submission({ fields: { email: 'b@example.test' } })),
    ]);
    const busy = responses.find((response) => response.status !== 200);

    expect(responses.map((response) => response.status).sort()).toEqual([200, 503]);
    expect(busy?.headers.get('Retry-After')).toMatch(/^[1-9][0-9]*$/);
    expect(await errorOf(busy!)).toEqual({
      code: 'upstream_unavailable',
      message: 'The marketing system is busy right now. Please try again in a moment.',
      retryable: true,
    });
    expect(upstream.calls()).toBe(1);
  });

  it('holds calls past MARKETO_DAILY_QUOTA until the reset', async () => {
    const { app, upstream } = createHarness({ env: { MARKETO_DAILY_QUOTA: '2' } });

    const statuses = [];
    for (let index = 0; index < 3; index += 1) {
      statuses.push((await postSubmission(app, submission({ fields: { email: `q${index}@example.test` } }))).status);
    }

    expect(statuses).toEqual([200, 200, 503]);
    expect(upstream.calls).toBe(2);
  });

  it('holds calls beyond the rate limit instead of sending them', async () => {
    const { app, upstream } = createHarness({ env: { MARKETO_MAX_CALLS_PER_20S: '2', LEADSYNC_QUEUE_TIMEOUT_MS: '100' } });

    const statuses = [];
    for (let index = 0; index < 3; index += 1) {
      statuses.push((await postSubmission(app, submission({ fields: { email: `r${index}@example.test` } }))).status);
    }

    expect(statuses).toEqual([200, 200, 503]);
    expect(upstream.calls).toBe(2);
  });
});

describe('app retries', () => {
  it('retries a timed-out call and answers success', async () => {
    let calls = 0;
    const hangOnce = ((_input: RequestInfo | URL, init?: RequestInit) => {
      calls += 1;
      if (calls > 1) return Promise.resolve(new Response(successReply(4242, 'UPDATED'), { status: 200 }));
      return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    }) as typeof fetch;
    const { app } = createHarness({ fetch: hangOnce, env: { MARKETO_TIMEOUT_MS: '40' } });

    const response = await postSubmission(app, submission());

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'updated', leadId: 4242 });
    expect(calls).toBe(2);
  });

  it('answers 503 upstream_unavailable when the delivery budget runs out', async () => {
    const hanging = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof fetch;
    const { app } = createHarness({ fetch: hanging, env: { MARKETO_TIMEOUT_MS: '60000', LEADSYNC_DELIVERY_TIMEOUT_MS: '1000' } });

    const response = await postSubmission(app, submission());

    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(await errorOf(response)).toMatchObject({ code: 'upstream_unavailable', retryable: true });
  });

  it.each([
    ['20023 rate', { status: 500, body: faultReply(20023, 'Rate Limit Exceeded', 'Too many') }, 4, '20'],
    ['20014 auth', { status: 500, body: faultReply(20014, 'Authentication failed', 'Authentication failed') }, 1, null],
    ['20105 bad attribute', { status: 500, body: faultReply(20105, 'Unknown lead field', 'unknown fields for import: pants') }, 1, null],
  ])('calls Marketo as the policy says for %s', async (_case, reply, calls, retryAfter) => {
    const { app, upstream } = createHarness({ replies: [reply] });

    const response = await postSubmission(app, submission());

    expect(upstream.calls).toBe(calls);
    expect(response.headers.get('Retry-After')).toBe(retryAfter);
  });

  it('does not retry the daily quota and waits until midnight in Chicago', async () => {
    const { app, upstream } = createHarness({ replies: [{ status: 500, body: faultReply(20015, 'Request Limit Exceeded', 'Quota') }] });

    const response = await postSubmission(app, submission());

    expect(response.status).toBe(503);
    expect(upstream.calls).toBe(1);
    // The harness clock reads 2026-01-15 12:00 in Chicago, twelve hours before the reset.
    expect(Number(response.headers.get('Retry-After'))).toBeGreaterThan(12 * 3600 - 60);
    expect(Number(response.headers.get('Retry-After'))).toBeLessThanOrEqual(12 * 3600);
  });
});

describe('app outbox seam', () => {
  it('answers 202 queued and stores the lead after a retryable failure', async () => {
    const outbox = recordingOutbox();
    const { app, upstream } = createHarness({ replies: [html500], outbox });
    const body = submission();

    const response = await postSubmission(app, body);

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ submissionId: body.submissionId, status: 'queued', cookie: 'associated' });
    expect(upstream.calls).toBe(4);
    expect(outbox.entries).toHaveLength(1);
    expect(outbox.entries[0]).toMatchObject({ submissionId: body.submissionId, formId: 'contact', lead: { email: 'ana@example.test' } });
  });

  it('answers a repeat of a queued submission with 202 again', async () => {
    const outbox = recordingOutbox();
    const { app, upstream } = createHarness({ replies: [html500], outbox });
    const body = submission();
    await postSubmission(app, body);

    const repeat = await postSubmission(app, body);

    expect(repeat.status).toBe(202);
    expect(upstream.calls).toBe(4);
    expect(outbox.entries).toHaveLength(1);
  });

  it.each([
    ['SOAP 20014 authentication failed', faultReply(20014, 'Authentication failed', 'Authentication failed'), 'upstream_auth', 20014],
    ['SOAP 20105 unknown field', faultReply(20105, 'Lead Attribute Bad', 'unknown fields for import: pants'), 'upstream_rejected', 20105],
    ['SOAP 20110 unknown workspace', faultReply(20110, 'Bad Parameter', "workspace 'Nope' not found"), 'upstream_rejected', 20110],
  ])('stores a dead letter for %s', async (_case, reply, code, faultCode) => {
    const outbox = new SqliteOutbox({ path: ':memory:' });
    const { app, upstream, logs } = createHarness({ replies: [{ status: 500, body: reply }], outbox });
    const body = submission();

    const response = await postSubmission(app, body);
    const [letter] = await outbox.listDeadLetters(10);

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ submissionId: body.submissionId, status: 'queued', cookie: 'associated' });
    expect(upstream.calls).toBe(1);
    expect(letter).toMatchObject({ submissionId: body.submissionId, formId: 'contact', attempts: 1, lead: { email: 'ana@example.test' } });
    expect(letter?.lastError).toContain(code);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', code, faultCode, submissionId: body.submissionId }));
    outbox.close();
  });

  it('replays a stored dead letter as queued for a repeat', async () => {
    const outbox = recordingOutbox();
    const { app, upstream } = createHarness({ replies: [{ status: 500, body: faultReply(20014, 'Authentication failed', 'Authentication failed') }], outbox });
    const body = submission();
    await postSubmission(app, body);

    const repeat = await postSubmission(app, body);

    expect(repeat.status).toBe(202);
    expect(upstream.calls).toBe(1);
    expect(outbox.deadLetters).toHaveLength(1);
    expect(outbox.entries).toEqual([]);
  });

  it('answers 502 for a rejection without an outbox', async () => {
    const { app } = createHarness({ replies: [{ status: 500, body: faultReply(20014, 'Authentication failed', 'Authentication failed') }] });

    const response = await postSubmission(app, submission());

    expect(response.status).toBe(502);
    expect(await errorOf(response)).toMatchObject({ code: 'upstream_auth', retryable: false });
  });
});
