import type { LimitSettings } from "../config/emulator-config.ts";

/** The limit that rejected a call. */
export type LimitExceeded = "dailyQuota" | "rate" | "concurrency";

export type Admission =
  | { admitted: true; release: () => void }
  | { admitted: false; exceeded: LimitExceeded; message: string };

/** Formats the calendar day in Marketo's quota time zone: quotas reset at 12:00 AM CST. */
const QUOTA_DAY = new Intl.DateTimeFormat("en-CA", {
  timeZone: "America/Chicago",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/**
 * Counts one transport's API calls against Marketo's daily quota, rate window and concurrency
 * limit. Only admitted calls count; a call turned away by a limit uses up nothing.
 */
export class CallLimiter {
  readonly #limits: () => LimitSettings;
  readonly #clock: () => Date;
  #admittedAt: number[] = [];
  #inFlight = 0;
  #quotaDay = "";
  #callsToday = 0;

  constructor(limits: () => LimitSettings, clock: () => Date = () => new Date()) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Admits a call or returns the limit it exceeds. Call `release` once the reply is sent. */
  admit(): Admission {
    const limits = this.#limits();
    const now = this.#clock();
    const nowMs = now.getTime();

    const day = QUOTA_DAY.format(now);
    if (day !== this.#quotaDay) {
      this.#quotaDay = day;
      this.#callsToday = 0;
    }
    if (this.#callsToday >= limits.dailyQuota) {
      return {
        admitted: false,
        exceeded: "dailyQuota",
        message: `daily quota of ${limits.dailyQuota} calls reached; it resets at 00:00 America/Chicago`,
      };
    }

    const windowMs = limits.rateLimit.windowSeconds * 1000;
    this.#admittedAt = this.#admittedAt.filter((at) => nowMs - at < windowMs);
    if (this.#admittedAt.length >= limits.rateLimit.maxCalls) {
      return {
        admitted: false,
        exceeded: "rate",
        message: `more than ${limits.rateLimit.maxCalls} calls in ${limits.rateLimit.windowSeconds} s; wait and retry`,
      };
    }

    if (this.#inFlight >= limits.maxConcurrentCalls) {
      return {
        admitted: false,
        exceeded: "concurrency",
        message: `more than ${limits.maxConcurrentCalls} concurrent calls; wait for a reply before sending more`,
      };
    }

    this.#callsToday += 1;
    this.#admittedAt.push(nowMs);
    this.#inFlight += 1;
    let released = false;
    return {
      admitted: true,
      release: () => {
        if (!released) {
          released = true;
          this.#inFlight -= 1;
        }
      },
    };
  }

  /** Forgets every counted call; calls in flight still release their slot. */
  reset(): void {
    this.#admittedAt = [];
    this.#callsToday = 0;
  }
}
