import { describe, expect, it } from 'vitest';

import { LeadsyncError, MarketoError } from '../errors.js';
import { createRetrySchedule, describeFailure, msUntilQuotaReset } from './retry-schedule.js';

const unavailable = new MarketoError('Marketo request failed before a reply.', { kind: 'unavailable', retryable: true });

describe('createRetrySchedule', () => {
  it('doubles the backoff up to the maximum', () => {
    const schedule = createRetrySchedule({ baseDelayMs: 1_000, maxDelayMs: 5_000, maxAttempts: 10, random: () => 1 });

    const delays = [1, 2, 3, 4, 5].map((attempts) => schedule.decide(unavailable, attempts, 0));

    expect(delays).toEqual([
      { action: 'retry', delayMs: 1_000 },
      { action: 'retry', delayMs: 2_000 },
      { action: 'retry', delayMs: 4_000 },
      { action: 'retry', delayMs: 5_000 },
      { action: 'retry', delayMs: 5_000 },
    ]);
  });

  it('keeps half of the backoff fixed', () => {
    const schedule = createRetrySchedule({ baseDelayMs: 1_000, random: () => 0 });

    expect(schedule.decide(unavailable, 1, 0)).toEqual({ action: 'retry', delayMs: 500 });
  });

  it('gives up after maxAttempts', () => {
    const schedule = createRetrySchedule({ maxAttempts: 3 });

    expect(schedule.decide(unavailable, 2, 0).action).toBe('retry');
    expect(schedule.decide(unavailable, 3, 0).action).toBe('dead');
  });

  it('gives up at once on a non-retryable rejection', () => {
    const schedule = createRetrySchedule();
    const rejected = new MarketoError('Lead Attribute Bad', { kind: 'bad_request', retryable: false, faultCode: 20105 });

    expect(schedule.decide(rejected, 1, 0)).toEqual({ action: 'dead' });
    expect(schedule.decide(new LeadsyncError('invalid_lead_value', 'bad'), 1, 0)).toEqual({ action: 'dead' });
  });

  it('retries an unexpected error with backoff', () => {
    const schedule = createRetrySchedule({ baseDelayMs: 1_000, random: () => 1 });

    expect(schedule.decide(new TypeError('boom'), 1, 0)).toEqual({ action: 'retry', delayMs: 1_000 });
  });

  it('waits for the quota reset on a quota fault', () => {
    const schedule = createRetrySchedule({ random: () => 0 });
    const quota = new MarketoError('Request Limit Exceeded', { kind: 'quota', retryable: true, faultCode: 20015 });
    // 2026-01-15 18:00 UTC is 12:00 in Chicago (CST, UTC-6): twelve hours before the reset.
    const noonInChicago = Date.UTC(2026, 0, 15, 18, 0, 0);

    expect(schedule.decide(quota, 1, noonInChicago)).toEqual({ action: 'retry', delayMs: 12 * 60 * 60_000 });
  });

  it('waits whole milliseconds for the quota reset', () => {
    const schedule = createRetrySchedule({ random: () => 0.123456789 });
    const quota = new MarketoError('Daily quota reached', { kind: 'quota', retryable: true, faultCode: 607 });
    const decision = schedule.decide(quota, 1, Date.UTC(2026, 0, 15, 18, 0, 0, 321));

    expect(decision.action).toBe('retry');
    expect(Number.isInteger(decision.action === 'retry' ? decision.delayMs : Number.NaN)).toBe(true);
  });

  it('delayAfter gives the wait even past maxAttempts', () => {
    const schedule = createRetrySchedule({ maxAttempts: 1, baseDelayMs: 1_000, random: () => 1 });
    const quota = new MarketoError('Daily quota reached', { kind: 'quota', retryable: true, faultCode: 607 });
    const noonInChicago = Date.UTC(2026, 0, 15, 18, 0, 0);

    expect(schedule.decide(unavailable, 1, 0)).toEqual({ action: 'dead' });
    expect(schedule.delayAfter(unavailable, 1, 0)).toBe(1_000);
    expect(schedule.delayAfter(quota, 1, noonInChicago)).toBe(12 * 60 * 60_000 + 5 * 60_000);
  });
});

describe('msUntilQuotaReset', () => {
  it('counts to midnight Central time in summer', () => {
    // 2026-07-01 04:30 UTC is 23:30 in Chicago (CDT, UTC-5).
    expect(msUntilQuotaReset(Date.UTC(2026, 6, 1, 4, 30, 0))).toBe(30 * 60_000);
  });
});

describe('describeFailure', () => {
  it('masks e-mail addresses and keeps the code', () => {
    const error = new MarketoError('Lead ana@example.test rejected', { kind: 'bad_request', retryable: false });

    expect(describeFailure(error)).toBe('upstream_rejected: Lead a***@example.test rejected');
  });
});
