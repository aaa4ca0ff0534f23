export const RETRY_BASE_MS = 2_000;
export const RETRY_MAX_MS = 10 * 60_000;

/**
 * Returns the wait before retry number `attempt`, where 1 is the first retry. The wait doubles from
 * 2 s up to 10 min. A random factor in [0.5, 1] scales it, so visitors who come back online
 * together do not all retry at the same moment.
 */
export function retryDelay(attempt: number, random: () => number = Math.random): number {
  return Math.round(Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1)) * (0.5 + random() / 2));
}

/**
 * Converts a `Retry-After` header to milliseconds from `now`. The header contains a delay in seconds
 * or an HTTP date (RFC 9110 §10.2.3). Returns undefined when it is absent, invalid or past.
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const delay = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return delay >= 0 ? delay : undefined;
}
