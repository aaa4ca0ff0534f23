import { describe, expect, it } from 'vitest';

import { LeadsyncError, MarketoError, RateLimitError } from '../errors.js';
import { retryAfterSeconds, secondsUntilQuotaReset } from './retry-after.js';

// 2026-01-15 18:00 UTC is 12:00 noon in Chicago (CST, UTC-6).
const NOON_CHICAGO = new Date(Date.UTC(2026, 0, 15, 18, 0, 0));

describe('retryAfterSeconds', () => {
  it('uses the delay an error carries', () => {
    expect(retryAfterSeconds(new RateLimitError('address', 42), NOON_CHICAGO)).toBe(42);
  });

  it('waits one Marketo rate window after a rate or concurrency fault', () => {
    expect(retryAfterSeconds(new MarketoError('rate', { kind: 'rate', retryable: true }), NOON_CHICAGO)).toBe(20);
    expect(retryAfterSeconds(new MarketoError('busy', { kind: 'concurrency', retryable: true }), NOON_CHICAGO)).toBe(20);
  });

  it('waits until the quota resets at midnight in Chicago', () => {
    expect(retryAfterSeconds(new MarketoError('quota', { kind: 'quota', retryable: true }), NOON_CHICAGO)).toBe(12 * 3600);
  });

  it('waits a few seconds after a transient failure', () => {
    expect(retryAfterSeconds(new MarketoError('down', { kind: 'unavailable', retryable: true }), NOON_CHICAGO)).toBe(5);
  });

  it('sends none for errors that waiting cannot fix', () => {
    expect(retryAfterSeconds(new MarketoError('auth', { kind: 'auth', retryable: false }), NOON_CHICAGO)).toBeUndefined();
    expect(retryAfterSeconds(new LeadsyncError('widget_not_built', 'x', { status: 503, retryable: true }), NOON_CHICAGO)).toBeUndefined();
    expect(retryAfterSeconds(new Error('bug'), NOON_CHICAGO)).toBeUndefined();
  });
});

describe('secondsUntilQuotaReset', () => {
  it('counts to the next midnight in summer time too', () => {
    // 2026-07-01 04:59:30 UTC is 23:59:30 in Chicago (CDT, UTC-5).
    expect(secondsUntilQuotaReset(new Date(Date.UTC(2026, 6, 1, 4, 59, 30)))).toBe(30);
  });
});
