import { describe, expect, it } from 'vitest';

import { DeliveryTimeoutError, MarketoError } from '../errors.js';
import type { Logger } from '../log.js';
import { createSoapTransport } from '../marketo/soap/soap-transport.js';
import type { LeadSync, LeadTransport, SyncOutcome } from '../marketo/transport.js';
import { MetricsRegistry } from '../observability/metrics.js';
import { fakeUpstream, type FakeReply } from '../testing/fake-upstream.js';
import { faultReply, successReply } from '../testing/soap-replies.js';
import { createDeliver } from './deliver.js';
import { createRetryPolicy } from './retry-policy.js';

const LEAD: LeadSync = { email: 'ana@example.test', attributes: [{ name: 'FirstName', value: 'Ana' }] };
const NO_JITTER = createRetryPolicy({ random: () => 0 });

function recordingLog() {
  const lines: Array<{ level: string; message: string; fields: Record<string, unknown> }> = [];
  const log: Logger = { log: (level, message, fields = {}) => lines.push({ level, message, fields }) };
  return { log, lines };
}

function soapOver(...replies: FakeReply[]) {
  const upstream = fakeUpstream(...replies);
  const transport = createSoapTransport({
    endpoint: 'http://127.0.0.1:1/soap/mktows/2_9',
    userId: 'leadsync_demo_1A2B3C4D5E6F',
    encryptionKey: 'demo-encryption-key',
    fetch: upstream.fetch,
  });
  return { upstream, transport };
}

const rateFault: FakeReply = { status: 500, body: faultReply(20023, 'Rate Limit Exceeded', 'Too many calls') };
const expiredFault: FakeReply = { status: 500, body: faultReply(20016, 'Request Expired', 'Request has expired') };
const authFault: FakeReply = { status: 500, body: faultReply(20014, 'Authentication failed', 'Authentication failed') };
const created: FakeReply = { status: 200, body: successReply(42, 'CREATED') };

describe('createDeliver retries', () => {
  it('delivers on the first attempt', async () => {
    const { upstream, transport } = soapOver(created);

    const result = await createDeliver({ transport, policy: NO_JITTER })(LEAD, recordingLog());

    expect(result).toEqual({ ok: true, outcome: { leadId: 42, status: 'created' }, attempts: 1 });
    expect(upstream.calls).toBe(1);
  });

  it('retries a rate fault and counts the retry', async () => {
    const { upstream, transport } = soapOver(rateFault, created);
    const retries = new MetricsRegistry().counter('r_total', 'R.', ['reason']);
    const { log, lines } = recordingLog();

    const result = await createDeliver({ transport, policy: NO_JITTER, retries })(LEAD, { log });

    expect(result).toMatchObject({ ok: true, attempts: 2 });
    expect(upstream.calls).toBe(2);
    expect(retries.value({ reason: 'rate' })).toBe(1);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'Retrying the Marketo call after a retryable failure',
        fields: { attempt: 1, reason: 'rate', delayMs: 0, code: 'upstream_rate_limited', faultCode: 20023 },
      },
    ]);
  });

  it('re-signs once after an expired timestamp, then gives up', async () => {
    const { upstream, transport } = soapOver(expiredFault, expiredFault, created);

    const result = await createDeliver({ transport, policy: NO_JITTER })(LEAD, recordingLog());

    if (result.ok) throw new Error('expected the delivery to fail');
    expect(upstream.calls).toBe(2);
    expect((result.error as MarketoError).faultCode).toBe(20016);
  });

  it('does not retry an authentication fault', async () => {
    const { upstream, transport } = soapOver(authFault, created);

    const result = await createDeliver({ transport, policy: NO_JITTER })(LEAD, recordingLog());

    expect(result).toMatchObject({ ok: false, retryable: false, attempts: 1 });
    expect(upstream.calls).toBe(1);
  });

  it('stops after the policy maximum of attempts', async () => {
    const { upstream, transport } = soapOver(rateFault);

    const result = await createDeliver({ transport, policy: NO_JITTER })(LEAD, recordingLog());

    expect(result).toMatchObject({ ok: false, retryable: true, attempts: 4 });
    expect(upstream.calls).toBe(4);
  });
});

describe('createDeliver budget', () => {
  it('aborts a hanging call at the deadline with DeliveryTimeoutError', async () => {
    const hanging: LeadTransport = {
      syncLead: (_lead, options) =>
        new Promise<SyncOutcome>((_resolve, reject) => {
          options?.signal?.addEventListener('abort', () => reject(options.signal?.reason));
        }),
    };

    const result = await createDeliver({ transport: hanging, budgetMs: 30 })(LEAD, recordingLog());

    expect(result).toMatchObject({ ok: false, retryable: true, attempts: 1 });
    if (result.ok) throw new Error('expected the delivery to fail');
    expect(result.error).toBeInstanceOf(DeliveryTimeoutError);
  });

  it('skips a retry whose backoff would end after the deadline', async () => {
    const { upstream, transport } = soapOver(rateFault, created);
    const slowPolicy = createRetryPolicy({ random: () => 0.999, baseDelayMs: 10_000, maxDelayMs: 10_000 });

    const result = await createDeliver({ transport, policy: slowPolicy, budgetMs: 1_000 })(LEAD, recordingLog());

    expect(result).toMatchObject({ ok: false, retryable: true, attempts: 1 });
    expect(upstream.calls).toBe(1);
  });
});

describe('createDeliver e-mail lock', () => {
  function concurrencyProbe() {
    let running = 0;
    let peak = 0;
    const transport: LeadTransport = {
      async syncLead() {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        return { leadId: 1, status: 'updated' };
      },
    };
    return { transport, peak: () => peak };
  }

  it('never runs two deliveries for one address at once', async () => {
    const probe = concurrencyProbe();
    const deliver = createDeliver({ transport: probe.transport });

    await Promise.all([
      deliver({ ...LEAD, email: 'ana@example.test' }, recordingLog()),
      deliver({ ...LEAD, email: 'ANA@example.test' }, recordingLog()),
      deliver({ ...LEAD, email: 'ana@example.test' }, recordingLog()),
    ]);

    expect(probe.peak()).toBe(1);
  });

  it('runs deliveries for different addresses at once', async () => {
    const probe = concurrencyProbe();
    const deliver = createDeliver({ transport: probe.transport });

    await Promise.all([deliver({ ...LEAD, email: 'ana@example.test' }, recordingLog()), deliver({ ...LEAD, email: 'bob@example.test' }, recordingLog())]);

    expect(probe.peak()).toBe(2);
  });
});

describe('createDeliver unexpected errors', () => {
  it('returns a bug as a failure that is not retryable', async () => {
    const broken: LeadTransport = { syncLead: () => Promise.reject(new TypeError('undefined is not a function')) };

    const result = await createDeliver({ transport: broken })(LEAD, recordingLog());

    expect(result).toMatchObject({ ok: false, retryable: false, attempts: 1 });
  });
});
