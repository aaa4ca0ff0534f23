import { MarketoError, QuotaPausedError } from '../errors.js';
import type { Logger } from '../log.js';
import { msUntilQuotaReset } from '../outbox/retry-schedule.js';

/**
 * The state of Marketo's daily API quota, as the proxy's last calls reported it. After a call fails with the daily-quota
 * error (SOAP 20015, REST 607), every further call would fail the same way until the quota resets
 * at midnight US Central time, and each would still count against Marketo's rate limits. The gate
 * stays closed until then: deliveries fail at once with the same error, so live submissions go
 * to the outbox and the drain keeps its entries for the reset.
 *
 * The gate also counts the proxy's own calls against a daily budget and closes at it, so with a
 * budget set the proxy stops before Marketo refuses.
 *
 * NOTE: the gate and its count live in memory, per process. Other integrations share Marketo's
 * quota unseen, and on Workers each isolate counts only its own calls and learns of the spent
 * quota from its own first failed call.
 */
export interface QuotaGateOptions {
  /**
   * Marketo calls this proxy may send per quota day (midnight to midnight US Central time).
   * Further calls wait for the reset. 0 counts nothing. Default 0. The app passes
   * MARKETO_DAILY_QUOTA.
   */
  dailyBudget?: number;
  now?: () => number;
  log?: Logger;
}

export class QuotaGate {
  readonly #now: () => number;
  readonly #log: Logger | undefined;
  readonly #dailyBudget: number;
  #closedUntil = 0;
  #callsToday = 0;
  #dayEndsAt = 0;

  constructor(options: QuotaGateOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
    this.#dailyBudget = options.dailyBudget ?? 0;
  }

  /** Time in ms since the epoch when calls may go out again; 0 while the gate is open. */
  get closedUntil(): number {
    return this.#closedUntil > this.#now() ? this.#closedUntil : 0;
  }

  /** Throws `QuotaPausedError`, a daily-quota `MarketoError`, while the gate is closed. */
  check(): void {
    const closedUntil = this.closedUntil;
    if (closedUntil === 0) return;

    throw new QuotaPausedError(
      `Marketo's daily API quota is used up, so the proxy sends no calls until it resets at ${new Date(closedUntil).toISOString()} (midnight US Central time).`,
      { kind: 'quota', retryable: true },
    );
  }

  /**
   * Counts one call sent to Marketo. At the daily budget the gate closes until the reset, so the
   * proxy stops before Marketo rejects calls with 20015 or 607.
   */
  countCall(): void {
    if (this.#dailyBudget === 0) return;

    const now = this.#now();
    if (now >= this.#dayEndsAt) {
      this.#callsToday = 0;
      this.#dayEndsAt = now + msUntilQuotaReset(now);
    }
    this.#callsToday += 1;
    if (this.#callsToday < this.#dailyBudget || this.#closedUntil > now) return;

    this.#closedUntil = this.#dayEndsAt;
    this.#log?.log('warn', 'Daily Marketo call budget reached (MARKETO_DAILY_QUOTA); holding every call until the quota resets', {
      calls: this.#callsToday,
      resetAt: new Date(this.#closedUntil).toISOString(),
    });
  }

  /** Closes the gate until the next quota reset when `error` is Marketo's daily-quota error. */
  observe(error: unknown): void {
    if (!(error instanceof MarketoError) || error.kind !== 'quota' || error instanceof QuotaPausedError) return;

    const now = this.#now();
    const wasOpen = this.#closedUntil <= now;
    this.#closedUntil = now + msUntilQuotaReset(now);
    if (wasOpen) {
      this.#log?.log('warn', 'Marketo daily API quota used up; holding every call until the reset', {
        faultCode: error.faultCode,
        resetAt: new Date(this.#closedUntil).toISOString(),
      });
    }
  }
}
