import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log';
import { startFakeProxy, type FakeProxy } from '../test-support/fake-proxy';
import type { SubmissionBody } from '../types';
import {
  createDelivery as createDeliveryUnderTest,
  OUTBOX_KEY,
  OUTBOX_MAX_AGE_MS,
  type Delivery,
  type OutboxEntry,
  type Outcome
} from './delivery';

let proxy: FakeProxy;
const log = createLogger(false);

beforeAll(async () => {
  proxy = await startFakeProxy();
});
afterAll(() => proxy.close());
// Every test's queues are stopped afterwards: a retry timer left running would send the next
// test's entries from the shared localStorage outbox, like a second tab, and skew its counts.
const deliveries: Delivery[] = [];
function createDelivery(...args: Parameters<typeof createDeliveryUnderTest>): Delivery {
  const delivery = createDeliveryUnderTest(...args);
  deliveries.push(delivery);
  return delivery;
}

afterEach(() => {
  for (const delivery of deliveries.splice(0)) delivery.stop();
  localStorage.clear();
  proxy.submissions.length = 0;
  proxy.replies.length = 0;
});

let counter = 0;
function body(): SubmissionBody {
  counter++;
  return {
    submissionId: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    fields: { email: 'ana@example.test' },
    mktoTrk: 'id:123-ABC-456&token:_mch-example.test-1-00001',
    context: { pageUrl: 'http://localhost:3000/?utm_source=x', referrer: '', utm: { utm_source: 'x' }, locale: 'en', consent: true },
    signals: { elapsedMs: 1000 }
  };
}

const url = () => `${proxy.endpoint}/v1/forms/contact/submissions`;
const outbox = (): OutboxEntry[] => JSON.parse(localStorage.getItem(OUTBOX_KEY) ?? '[]');

/** Sends one submission and collects its outcomes. */
function send(delivery = createDelivery(2000, log), submission = body()) {
  const outcomes: Outcome[] = [];
  delivery.send(url(), submission, (outcome) => outcomes.push(outcome));
  return { delivery, submission, outcomes };
}

describe('createDelivery', () => {
  it('delivers a submission once and empties the outbox', async () => {
    const { submission, outcomes } = send();

    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toEqual({ status: 'created', leadId: 1 });
    expect(proxy.submissions).toEqual([submission]);
    expect(localStorage.getItem(OUTBOX_KEY)).toBeNull();
  });

  it('stores a submission before its first request', () => {
    const { submission } = send();
    expect(outbox().map((entry) => entry.body)).toEqual([submission]);
  });

  it('keeps a submission when the proxy is unreachable', async () => {
    const closed = await startFakeProxy();
    await closed.close();
    const outcomes: Outcome[] = [];
    createDelivery(2000, log).send(`${closed.endpoint}/v1/forms/contact/submissions`, body(), (o) => outcomes.push(o));

    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]?.error).toMatchObject({ code: 'network_error', retryable: true });
    expect(outbox()).toHaveLength(1);
    expect(outbox()[0]).toMatchObject({ attempts: 1 });
    expect(outbox()[0]!.nextAt).toBeGreaterThan(Date.now());
  });

  it('retries with the same submissionId until the proxy accepts', async () => {
    proxy.replies.push({ status: 503, body: { error: { code: 'upstream_unavailable', message: 'down', retryable: true } } });
    const { delivery, submission, outcomes } = send();
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]?.error?.code).toBe('upstream_unavailable');

    delivery.flush(true);
    await vi.waitFor(() => expect(outcomes).toHaveLength(2));
    expect(outcomes[1]).toEqual({ status: 'created', leadId: 1 });
    expect(proxy.submissions.map((received) => received.submissionId)).toEqual([submission.submissionId, submission.submissionId]);
    expect(outbox()).toEqual([]);
  });

  it('drops a submission the proxy rejects for good', async () => {
    const fields = [{ name: 'email', code: 'invalid_email', message: 'email is invalid' }];
    proxy.replies.push({ status: 400, body: { error: { code: 'invalid_field', message: 'invalid', retryable: false, fields } } });
    const { outcomes } = send();

    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]?.error).toEqual({ code: 'invalid_field', message: 'invalid', retryable: false, fields });
    expect(outbox()).toEqual([]);
  });

  it('treats a 5xx without an error body as retryable', async () => {
    proxy.replies.push({ status: 502, body: 'Bad Gateway' });
    const { outcomes } = send();

    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]?.error).toMatchObject({ code: 'http_502', retryable: true });
  });

  it('waits as long as Retry-After asks, then retries by itself', async () => {
    proxy.replies.push({
      status: 429,
      headers: { 'Retry-After': '1' },
      body: { error: { code: 'rate_limited', message: 'slow down', retryable: true } }
    });
    const sentAt = Date.now();
    const { outcomes } = send();
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outbox()[0]!.nextAt).toBeGreaterThanOrEqual(sentAt + 1000);
    expect(outbox()[0]!.nextAt).toBeLessThanOrEqual(Date.now() + 1000);

    await vi.waitFor(() => expect(outcomes).toHaveLength(2), { timeout: 4000 });
    expect(outcomes[1]?.error).toBeUndefined();
    expect(proxy.submissions).toHaveLength(2);
  });

  it('times out a request that gets no response', async () => {
    proxy.replies.push({ status: 200, delayMs: 600 });
    const outcomes: Outcome[] = [];
    createDelivery(100, log).send(url(), body(), (outcome) => outcomes.push(outcome));

    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]?.error).toMatchObject({ code: 'timeout', retryable: true });
    expect(outbox()).toHaveLength(1);
  });

  it('does not send an entry again while it is in flight', async () => {
    proxy.replies.push({ status: 200, delayMs: 300, body: { status: 'updated', leadId: 7 } });
    const { delivery, outcomes } = send();
    delivery.flush(true);
    delivery.flush(true);

    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toEqual({ status: 'updated', leadId: 7 });
    expect(proxy.submissions).toHaveLength(1);
  });

  it('sends entries an earlier page left in the outbox', async () => {
    const left = body();
    const entry: OutboxEntry = { url: url(), body: left, attempts: 2, nextAt: Date.now() - 1, createdAt: Date.now() - 60_000 };
    localStorage.setItem(OUTBOX_KEY, JSON.stringify([entry]));

    createDelivery(2000, log).flush();
    await vi.waitFor(() => expect(proxy.submissions).toEqual([left]));
    await vi.waitFor(() => expect(outbox()).toEqual([]));
  });

  it('drops entries older than seven days', () => {
    const old: OutboxEntry = { url: url(), body: body(), attempts: 9, nextAt: 0, createdAt: Date.now() - OUTBOX_MAX_AGE_MS - 1 };
    localStorage.setItem(OUTBOX_KEY, JSON.stringify([old]));

    createDelivery(2000, log).flush();
    expect(proxy.submissions).toEqual([]);
    expect(localStorage.getItem(OUTBOX_KEY)).toBeNull();
  });

  it('keeps at most the 20 newest entries', async () => {
    const entries = Array.from({ length: 25 }, (): OutboxEntry => ({
      url: url(),
      body: body(),
      attempts: 1,
      nextAt: Date.now() + 60_000,
      createdAt: Date.now()
    }));
    localStorage.setItem(OUTBOX_KEY, JSON.stringify(entries));

    const { submission, outcomes } = send();
    expect(outbox()).toHaveLength(20);
    expect(outbox().at(-1)?.body).toEqual(submission);
    expect(outbox()[0]?.body).toEqual(entries[6]!.body);
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
  });

  it('rewrites waiting entries', async () => {
    proxy.replies.push({ status: 200, delayMs: 200 });
    const { delivery, outcomes } = send();
    delivery.rewrite((stored) => delete stored.mktoTrk);
    expect(outbox()[0]?.body.mktoTrk).toBeUndefined();
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
  });

  it('keeps the outbox in memory when localStorage is blocked', async () => {
    const blocked = vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => {
      throw new DOMException('blocked', 'SecurityError');
    });
    proxy.replies.push({ status: 503, body: { error: { code: 'upstream_unavailable', message: 'down', retryable: true } } });
    const { delivery, outcomes } = send();
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));

    delivery.flush(true);
    await vi.waitFor(() => expect(outcomes).toHaveLength(2));
    expect(outcomes[1]?.error).toBeUndefined();
    blocked.mockRestore();
  });
});
