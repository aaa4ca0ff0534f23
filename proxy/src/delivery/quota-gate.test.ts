import { describe, expect, it } from 'vitest';

import { CallSlotTimeoutError, DeliveryTimeoutError, MarketoError, QuotaPausedError } from '../errors.js';
import type { Logger } from '../log.js';
import type { LeadTransport, SyncOutcome } from '../marketo/transport.js';
import { createDeliver } from './deliver.js';
import { MarketoStatus } from './marketo-status.js';
import { createRetryPolicy } from './retry-policy.js';
import { QuotaGate } from './quota-gate.js';

// 2026-01-15 18:00 UTC is 12:00 in Chicago (CST, UTC-6): twelve hours before the quota resets.
const NOON_IN_CHICAGO = Date.UTC(2026, 0, 15, 18, 0, 0);
const RESET = NOON_IN_CHICAGO + 12 * 60 * 60_000;

const soapQuota = () => new MarketoError('Request Limit Exceeded', { kind: 'quota', retryable: true, faultCode: 20015 });
const restQuota = () => new MarketoError('Daily quota reached', { kind: 'quota', retryable: true, faultCode: 607 });
const unavailable = () => new MarketoError('Marketo request failed before a reply.', { kind: 'unavailable', retryable: true });

function recordingLogger(): { log: Logger; lines: Array<{ level: string; message: string; [key: string]: unknown }> } {
  const lines: Array<{ level: string; message: string }> = [];
  return { lines, log: { log: (level, message, fields) => lines.push({ level, message, ...fields }) } };
}

describe('QuotaGate', () => {
  it.each([
    ['SOAP 20015', soapQuota()],
    ['REST 607', restQuota()],
  ])('closes until the reset on %s', (_case, error) => {
    const gate = new QuotaGate({ now: () => NOON_IN_CHICAGO });

    gate.observe(error);

    expect(gate.closedUntil).toBe(RESET);
    expect(() => gate.check()).toThrow(/daily API quota is used up.*2026-01-16T06:00:00\.000Z/);
  });

  it('stays open after other failures', () => {
    const gate = new QuotaGate({ now: () => NOON_IN_CHICAGO });

    gate.observe(unavailable());
    gate.observe(new Error('socket hang up'));
    gate.observe(undefined);

    expect(gate.closedUntil).toBe(0);
    expect(() => gate.check()).not.toThrow();
  });

  it('opens again at the reset', () => {
    let now = NOON_IN_CHICAGO;
    const gate = new QuotaGate({ now: () => now });
    gate.observe(soapQuota());

    now = RESET;

    expect(gate.closedUntil).toBe(0);
    expect(() => gate.check()).not.toThrow();
  });

  it('throws a retryable quota error', () => {
    const gate = new QuotaGate({ now: () => NOON_IN_CHICAGO });
    gate.observe(soapQuota());

    let thrown: unknown;
    try {
      gate.check();
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(MarketoError);
    expect(thrown).toMatchObject({ kind: 'quota', retryable: true, code: 'upstream_quota_exceeded' });
  });

  it('logs once per closing', () => {
    const { log, lines } = recordingLogger();
    const gate = new QuotaGate({ now: () => NOON_IN_CHICAGO, log });

    gate.observe(soapQuota());
    gate.observe(soapQuota());

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', faultCode: 20015, resetAt: '2026-01-16T06:00:00.000Z' });
  });
});

describe('QuotaGate daily budget', () => {
  it('closes at the budget until the reset', () => {
    const { log, lines } = recordingLogger();
    const gate = new QuotaGate({ now: () => NOON_IN_CHICAGO, dailyBudget: 3, log });

    gate.countCall();
    gate.countCall();
    const openBeforeLast = gate.closedUntil;
    gate.countCall();

    expect(openBeforeLast).toBe(0);
    expect(gate.closedUntil).toBe(RESET);
    expect(() => gate.check()).toThrow(QuotaPausedError);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', calls: 3, resetAt: '2026-01-16T06:00:00.000Z' })]);
  });

  it('starts counting again after the reset', () => {
    let now = NOON_IN_CHICAGO;
    const gate = new QuotaGate({ now: () => now, dailyBudget: 2 });
    gate.countCall();

    now = RESET + 1;
    gate.countCall();

    expect(gate.closedUntil).toBe(0);
  });

  it('counts nothing with a budget of 0', () => {
    const gate = new QuotaGate({ now: () => NOON_IN_CHICAGO, dailyBudget: 0 });

    for (let call = 0; call < 100; call += 1) gate.countCall();

    expect(gate.closedUntil).toBe(0);
  });
});

describe('createDeliver with a QuotaGate', () => {
  const lead = { email: 'quota@example.test', attributes: [] };
  const context = { log: { log: () => undefined } };

  function countingTransport(result: () => Promise<SyncOutcome>): LeadTransport & { calls: number } {
    const transport = {
      calls: 0,
      syncLead: async () => {
        transport.calls += 1;
        return result();
      },
    };
    return transport;
  }

  it('sends nothing after a quota failure', async () => {
    const transport = countingTransport(() => Promise.reject(soapQuota()));
    const deliver = createDeliver({ transport, quotaGate: new QuotaGate({ now: () => NOON_IN_CHICAGO }) });

    const first = await deliver(lead, context);
    const second = await deliver(lead, context);

    expect(first).toMatchObject({ ok: false, retryable: true });
    expect(second).toMatchObject({ ok: false, retryable: true, error: { kind: 'quota' } });
    expect(transport.calls).toBe(1);
  });

  it('closes on a quota failure of Associate Lead', async () => {
    const outcome = { leadId: 7, status: 'updated', cookieAssociation: 'failed', associationError: restQuota() } as SyncOutcome;
    const transport = countingTransport(() => Promise.resolve(outcome));
    const gate = new QuotaGate({ now: () => NOON_IN_CHICAGO });
    const deliver = createDeliver({ transport, quotaGate: gate });

    const first = await deliver(lead, context);

    expect(first).toMatchObject({ ok: true });
    expect(gate.closedUntil).toBe(RESET);
  });

  it('fails with the sent call\'s error when a slot wait follows it', async () => {
    const timeout = new MarketoError('Marketo did not respond within 1000 ms.', { kind: 'timeout', retryable: true });
    const errors = [timeout, new CallSlotTimeoutError('No Marketo call slot became free within 500 ms.', 1)];
    const transport = countingTransport(() => Promise.reject(errors.shift()));
    const status = new MarketoStatus({ now: () => NOON_IN_CHICAGO });
    const deliver = createDeliver({ transport, status, policy: createRetryPolicy({ baseDelayMs: 1, maxDelayMs: 1 }) });

    const result = await deliver(lead, context);

    expect(result).toMatchObject({ ok: false, retryable: true, error: timeout });
    expect(status.report).toMatchObject({ lastCall: 'failed', code: 'upstream_timeout' });
  });

  it('records a delivery that ran out of time as failed', () => {
    const status = new MarketoStatus({ now: () => NOON_IN_CHICAGO });

    status.recordFailure(new DeliveryTimeoutError('The delivery did not finish within 30000 ms.', 5));

    expect(status.report).toMatchObject({ lastCall: 'failed', code: 'upstream_unavailable' });
  });
});
