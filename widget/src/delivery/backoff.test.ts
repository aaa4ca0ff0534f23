import { describe, expect, it } from 'vitest';
import { parseRetryAfter, RETRY_BASE_MS, RETRY_MAX_MS, retryDelay } from './backoff';

describe('retryDelay', () => {
  it('doubles from the base delay', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, () => 1))).toEqual([2000, 4000, 8000, 16000]);
  });

  it('stops growing at the maximum', () => {
    expect(retryDelay(30, () => 1)).toBe(RETRY_MAX_MS);
  });

  it('keeps the jitter between half and all of the delay', () => {
    expect(retryDelay(1, () => 0)).toBe(RETRY_BASE_MS / 2);
    for (let i = 0; i < 100; i++) {
      const delay = retryDelay(3);
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(8000);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-03-01T10:00:00Z');

  it('reads seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
  });

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
  });

  it('ignores missing, invalid and past values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBeUndefined();
  });
});
