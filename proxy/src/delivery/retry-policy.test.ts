import { describe, expect, it } from 'vitest';

import { DeliveryTimeoutError, EnvelopeError, MarketoError, type MarketoErrorKind } from '../errors.js';
import { createRetryPolicy } from './retry-policy.js';

function marketoError(kind: MarketoErrorKind, faultCode?: number): MarketoError {
  return new MarketoError(`test ${kind}`, { kind, retryable: true, ...(faultCode !== undefined && { faultCode }) });
}

describe('createRetryPolicy decisions', () => {
  const policy = createRetryPolicy({ random: () => 0.5 });

  it.each(['rate', 'concurrency', 'unavailable', 'timeout', 'invalid_reply'] as const)('retries %s with backoff', (kind) => {
    expect(policy.decide(marketoError(kind), 1, [])).toEqual({ retry: true, reason: kind, delayMs: 125 });
  });

  it.each(['auth', 'bad_request', 'quota', 'not_found', 'sync_failed', 'unknown'] as const)('never retries %s', (kind) => {
    expect(policy.decide(marketoError(kind), 1, [])).toEqual({ retry: false });
  });

  it('retries an expired timestamp once without delay', () => {
    expect(policy.decide(marketoError('expired', 20016), 1, [])).toEqual({ retry: true, reason: 'expired', delayMs: 0 });
    expect(policy.decide(marketoError('expired', 20016), 2, ['expired'])).toEqual({ retry: false });
  });

  it('never retries errors that are not Marketo failures', () => {
    expect(policy.decide(new DeliveryTimeoutError('busy', 1), 1, [])).toEqual({ retry: false });
    expect(policy.decide(new EnvelopeError('Email', 'bad'), 1, [])).toEqual({ retry: false });
    expect(policy.decide(new Error('bug'), 1, [])).toEqual({ retry: false });
  });

  it('stops after maxAttempts', () => {
    expect(policy.decide(marketoError('unavailable'), 4, ['unavailable', 'unavailable', 'unavailable'])).toEqual({ retry: false });
  });
});

describe('createRetryPolicy backoff', () => {
  it('doubles the ceiling per backoff retry up to maxDelayMs', () => {
    const policy = createRetryPolicy({ random: () => 0.999999, baseDelayMs: 100, maxDelayMs: 350, maxAttempts: 10 });
    const error = marketoError('unavailable');

    expect(policy.decide(error, 1, [])).toMatchObject({ delayMs: 99 });
    expect(policy.decide(error, 2, ['unavailable'])).toMatchObject({ delayMs: 199 });
    expect(policy.decide(error, 3, ['unavailable', 'unavailable'])).toMatchObject({ delayMs: 349 });
  });

  it('does not count the expired retry as a backoff step', () => {
    const policy = createRetryPolicy({ random: () => 0.999999, baseDelayMs: 100 });

    expect(policy.decide(marketoError('rate'), 2, ['expired'])).toMatchObject({ delayMs: 99 });
  });

  it('draws full jitter from zero', () => {
    const policy = createRetryPolicy({ random: () => 0 });
    expect(policy.decide(marketoError('rate'), 1, [])).toMatchObject({ delayMs: 0 });
  });
});
