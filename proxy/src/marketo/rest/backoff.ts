/** How often and how patiently a REST call is retried within one submission (Associate Lead). */
export interface BackoffSettings {
  /** Attempts in total, the first included. Default 3. */
  maxAttempts: number;
  /** Delay before the second attempt, doubled for each further one, in ms. Default 500. */
  baseDelayMs: number;
  /** Upper bound of one delay, in ms. Default 4000. */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 4000 };

/**
 * Returns the wait before attempt `failedAttempt + 1`: exponential, capped, with "equal
 * jitter" (half fixed, half random), so callers that failed together do not retry together.
 */
export function backoffDelay(failedAttempt: number, settings: BackoffSettings, random: () => number): number {
  const exponential = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
