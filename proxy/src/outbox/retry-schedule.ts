import { LeadsyncError, MarketoError } from '../errors.js';
import { maskEmailAddresses } from '../log.js';

export interface RetryScheduleOptions {
  /** Delivery attempts before an entry becomes a dead letter. Default 10. */
  maxAttempts?: number;
  /** Delay after the first failed attempt, in ms; it doubles with each further failure. Default 30 s. */
  baseDelayMs?: number;
  /** Maximum delay between two attempts, in ms. Default 1 h. */
  maxDelayMs?: number;
  /** Random numbers in [0, 1) for jitter. Default `Math.random`. */
  random?: () => number;
}

/** The next step for an entry whose delivery attempt failed. */
export type FailureDecision = { action: 'retry'; delayMs: number } | { action: 'dead' };

export interface RetrySchedule {
  readonly maxAttempts: number;
  /**
   * Decides after the `attempts`-th failed attempt. A rejection that cannot succeed later
   * (a `LeadsyncError` with `retryable` false, such as an invalid lead attribute) is dead at once.
   */
  decide(error: unknown, attempts: number, now: number): FailureDecision;
  /**
   * Returns the wait after the `attempts`-th failed attempt, in ms, without deciding whether to
   * give up. A new association job takes its first wait from the failure that created it.
   */
  delayAfter(error: unknown, attempts: number, now: number): number;
}

export const RETRY_SCHEDULE_DEFAULTS = {
  maxAttempts: 10,
  baseDelayMs: 30_000,
  maxDelayMs: 60 * 60_000,
} as const;

// Marketo's daily API quota resets at 12:00 AM US Central time.
const QUOTA_TIME_ZONE = 'America/Chicago';
// Spreads the retries of a day's backlog over the first minutes after the reset.
const QUOTA_RESET_SPREAD_MS = 5 * 60_000;

/** Creates the retry schedule: exponential backoff with jitter, and a wait until the quota resets. */
export function createRetrySchedule(options: RetryScheduleOptions = {}): RetrySchedule {
  const maxAttempts = options.maxAttempts ?? RETRY_SCHEDULE_DEFAULTS.maxAttempts;
  const baseDelayMs = options.baseDelayMs ?? RETRY_SCHEDULE_DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? RETRY_SCHEDULE_DEFAULTS.maxDelayMs;
  const random = options.random ?? Math.random;

  function delayAfter(error: unknown, attempts: number, now: number): number {
    // Whole milliseconds: the SQLite outbox stores the due time in an INTEGER column.
    if (error instanceof MarketoError && error.kind === 'quota') return Math.round(msUntilQuotaReset(now) + random() * QUOTA_RESET_SPREAD_MS);

    // "Equal jitter": half the backoff is fixed, half random, so retries of one outage spread out.
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempts - 1));
    return Math.round(backoff / 2 + random() * (backoff / 2));
  }

  return {
    maxAttempts,
    decide(error, attempts, now) {
      if (error instanceof LeadsyncError && !error.retryable) return { action: 'dead' };
      if (attempts >= maxAttempts) return { action: 'dead' };
      return { action: 'retry', delayMs: delayAfter(error, attempts, now) };
    },
    delayAfter,
  };
}

/** Milliseconds from `now` until the next midnight in Marketo's quota time zone. */
export function msUntilQuotaReset(now: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: QUOTA_TIME_ZONE,
    hourCycle: 'h23',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(now));
  const part = (type: string) => Number(parts.find((entry) => entry.type === type)?.value ?? 0);

  const elapsedToday = ((part('hour') * 60 + part('minute')) * 60 + part('second')) * 1000 + (now % 1000);
  // NOTE: on the two days a year when Central time changes, the day has 23 or 25 hours, so the
  // wait may end an hour early or late. The retry after that catches up.
  return 24 * 60 * 60_000 - elapsedToday;
}

/** Describes a delivery failure for the outbox's `lastError`: code and message, e-mail addresses masked. */
export function describeFailure(error: unknown): string {
  const text = error instanceof LeadsyncError ? `${error.code}: ${error.message}` : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return maskEmailAddresses(text).slice(0, 500);
}
