import { MarketoError, type MarketoErrorKind } from '../errors.js';

/** Failure kinds that a later attempt of the same call can overcome. */
export type RetryReason = Extract<MarketoErrorKind, 'rate' | 'concurrency' | 'unavailable' | 'timeout' | 'invalid_reply' | 'expired'>;

export type RetryDecision = { retry: false } | { retry: true; reason: RetryReason; delayMs: number };

export interface RetryPolicyOptions {
  /** Attempts per delivery, the first included. Default 4. */
  maxAttempts?: number;
  /** Upper bound of the backoff before the first retry, in ms; it doubles per retry. Default 250. */
  baseDelayMs?: number;
  /** Upper bound of any backoff, in ms. Default 4000. */
  maxDelayMs?: number;
  /** Random source in [0, 1). Default `Math.random`. */
  random?: () => number;
}

export interface RetryPolicy {
  /**
   * Decides whether to send a call again after it failed with `error`. `attempt` counts the
   * attempts made so far (1 after the first); `previous` lists the reasons of earlier retries.
   */
  decide(error: unknown, attempt: number, previous: readonly RetryReason[]): RetryDecision;
}

export const RETRY_DEFAULTS = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 4_000 } as const;

// Rate and concurrency faults (20023, 20024; REST 606, 615), Marketo's internal errors (10001,
// 20011), network failures, HTML 5xx pages, timeouts and unreadable replies pass with time.
const BACKOFF_KINDS: ReadonlySet<MarketoErrorKind> = new Set(['rate', 'concurrency', 'unavailable', 'timeout', 'invalid_reply']);

/**
 * Creates the retry policy that every transport's calls go through, so SOAP and REST retry alike.
 *
 * - Retryable failures are sent again after an exponential backoff with full jitter: a random
 *   wait up to `min(maxDelayMs, baseDelayMs * 2^(retry - 1))`, so that proxies recovering from
 *   the same outage do not retry in step.
 * - An expired request timestamp (SOAP 20016) is sent again at once, and only once. The
 *   transport signs every attempt with a fresh timestamp, so one retry overcomes a slow
 *   network. A second 20016 means the clock is wrong, which no retry fixes.
 * - Authentication failures, rejected values and the daily quota are never retried, because
 *   the same request fails the same way until someone changes the configuration or a day passes.
 */
export function createRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const { maxAttempts, baseDelayMs, maxDelayMs } = { ...RETRY_DEFAULTS, ...options };
  const random = options.random ?? Math.random;

  return {
    decide(error, attempt, previous) {
      if (attempt >= maxAttempts) return { retry: false };
      if (!(error instanceof MarketoError)) return { retry: false };

      if (error.kind === 'expired') {
        return previous.includes('expired') ? { retry: false } : { retry: true, reason: 'expired', delayMs: 0 };
      }
      if (!BACKOFF_KINDS.has(error.kind)) return { retry: false };

      const backoffRetries = previous.filter((reason) => reason !== 'expired').length;
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** backoffRetries);
      return { retry: true, reason: error.kind as RetryReason, delayMs: Math.floor(random() * ceiling) };
    },
  };
}
