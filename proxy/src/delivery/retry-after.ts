import { LeadsyncError, MarketoError } from '../errors.js';

// Marketo counts its rate limit over the past 20 seconds, so a rate or concurrency fault clears
// within one window.
const MARKETO_RATE_WINDOW_SECONDS = 20;
// A network failure or an internal Marketo error: a short pause, then the client's own backoff.
const TRANSIENT_FAILURE_SECONDS = 5;

// Marketo resets the daily API quota at 12:00 AM US Central time.
const CENTRAL_TIME = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago',
  hourCycle: 'h23',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/**
 * Returns the `Retry-After` value in seconds for an error response, or undefined when waiting
 * cannot help (the request itself is wrong) or the error sets no delay.
 */
export function retryAfterSeconds(error: unknown, now: Date): number | undefined {
  if (!(error instanceof LeadsyncError) || !error.retryable) return undefined;
  if (error.retryAfterSeconds !== undefined) return error.retryAfterSeconds;
  if (!(error instanceof MarketoError)) return undefined;

  switch (error.kind) {
    case 'quota':
      return secondsUntilQuotaReset(now);
    case 'rate':
    case 'concurrency':
      return MARKETO_RATE_WINDOW_SECONDS;
    default:
      return TRANSIENT_FAILURE_SECONDS;
  }
}

/**
 * Returns the seconds until the next midnight in America/Chicago, when Marketo's daily quota
 * resets. On the two days a year when the clocks change it is off by up to an hour.
 */
export function secondsUntilQuotaReset(now: Date): number {
  const parts = Object.fromEntries(CENTRAL_TIME.formatToParts(now).map((part) => [part.type, Number(part.value)]));
  const elapsed = (parts.hour ?? 0) * 3600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0);
  return 86_400 - elapsed;
}
