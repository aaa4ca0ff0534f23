import { CallSlotTimeoutError } from '../errors.js';
import type { UpstreamLoad } from '../observability/proxy-metrics.js';

export interface CallLimiterOptions {
  /** Calls in flight at once. Default 10, Marketo's concurrency limit per instance. */
  maxConcurrent?: number;
  /** Calls per window. Default 100, Marketo's rate limit per instance. */
  maxCallsPerWindow?: number;
  /** Length of the rate window, in ms. Default 20,000, Marketo's window. */
  windowMs?: number;
  /** How long a call may wait for a slot, in ms, before it fails with `CallSlotTimeoutError`. Default 5000. */
  queueTimeoutMs?: number;
  /** Calls allowed to wait at once; one more fails at once. Default 1000. */
  maxQueueLength?: number;
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
}

export const CALL_LIMITER_DEFAULTS = {
  maxConcurrent: 10,
  maxCallsPerWindow: 100,
  windowMs: 20_000,
  queueTimeoutMs: 5_000,
  maxQueueLength: 1_000,
} as const;

/**
 * Ends a call's hold on its slot. Calling it twice has no further effect. A shared limiter
 * (`DurableCallLimiter`) returns a promise that settles once the release is recorded.
 */
export type ReleaseSlot = () => void | Promise<void>;

interface Waiter {
  grant(release: ReleaseSlot): void;
  fail(error: unknown): void;
}

/**
 * Keeps the calls to one Marketo instance within its concurrency and rate limits, so excess
 * work waits in a first-in, first-out queue instead of drawing a 20023 or 20024 fault.
 *
 * Marketo counts a call in its 20-second window from the moment it arrives, which lies between
 * the moment the proxy sends it and the moment the reply comes back. The limiter therefore
 * counts a call from the moment it is sent until one window after its reply, which never
 * undercounts. It counts calls of this process only; Marketo's limits are shared by every
 * integration of the instance, so lower the limits when other integrations call it too.
 */
export class CallLimiter {
  readonly #options: Required<Omit<CallLimiterOptions, 'now'>>;
  readonly #now: () => number;
  readonly #queue: Waiter[] = [];
  /** Reply times of finished calls still inside the window, oldest first. */
  #finishedAt: number[] = [];
  #inFlight = 0;
  #wakeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: CallLimiterOptions = {}) {
    const { now, ...rest } = options;
    this.#options = { ...CALL_LIMITER_DEFAULTS, ...rest };
    this.#now = now ?? Date.now;
  }

  get load(): UpstreamLoad {
    return { queued: this.#queue.length, inFlight: this.#inFlight };
  }

  /**
   * Waits for a free slot and returns the function that releases it. Rejects with
   * `CallSlotTimeoutError` when no slot frees within the queue timeout or the queue is full,
   * and with the signal's reason when `signal` aborts first.
   */
  acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#queue.length === 0 && this.#hasFreeSlot()) return Promise.resolve(this.#start());

    if (this.#queue.length >= this.#options.maxQueueLength) {
      return Promise.reject(this.#timeoutError(`${this.#queue.length} Marketo calls are already waiting for a slot`));
    }
    return this.#enqueue(signal);
  }

  #enqueue(signal: AbortSignal | undefined): Promise<ReleaseSlot> {
    return new Promise((resolve, reject) => {
      const onAbort = () => waiter.fail(signal?.reason);
      const timer = setTimeout(
        () => waiter.fail(this.#timeoutError(`No Marketo call slot became free within ${this.#options.queueTimeoutMs} ms`)),
        this.#options.queueTimeoutMs,
      );

      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.#queue.indexOf(waiter);
        if (index !== -1) this.#queue.splice(index, 1);
      };
      const waiter: Waiter = {
        grant: (release) => {
          settle();
          resolve(release);
        },
        fail: (error) => {
          settle();
          reject(error);
          this.#pump();
        },
      };

      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  #start(): ReleaseSlot {
    this.#inFlight += 1;
    let released = false;

    return () => {
      if (released) return;
      released = true;
      this.#inFlight -= 1;
      this.#finishedAt.push(this.#now());
      this.#pump();
    };
  }

  /** Starts waiting calls while slots are free; when the window is full, wakes up as it frees. */
  #pump(): void {
    while (this.#queue.length > 0 && this.#hasFreeSlot()) {
      this.#queue[0]!.grant(this.#start());
    }

    if (this.#queue.length > 0 && this.#inFlight < this.#options.maxConcurrent) this.#wakeWhenWindowFrees();
  }

  #hasFreeSlot(): boolean {
    this.#dropExpired();
    const inWindow = this.#inFlight + this.#finishedAt.length;
    return this.#inFlight < this.#options.maxConcurrent && inWindow < this.#options.maxCallsPerWindow;
  }

  #dropExpired(): void {
    const cutoff = this.#now() - this.#options.windowMs;
    let expired = 0;
    while (expired < this.#finishedAt.length && this.#finishedAt[expired]! <= cutoff) expired += 1;
    if (expired > 0) this.#finishedAt = this.#finishedAt.slice(expired);
  }

  #wakeWhenWindowFrees(): void {
    if (this.#wakeTimer !== undefined || this.#finishedAt.length === 0) return;

    const delay = Math.max(0, this.#finishedAt[0]! + this.#options.windowMs - this.#now());
    this.#wakeTimer = setTimeout(() => {
      this.#wakeTimer = undefined;
      this.#pump();
    }, delay);
  }

  /** Estimates when a slot frees: the window's oldest call leaving it, or one second. */
  #timeoutError(reason: string): CallSlotTimeoutError {
    this.#dropExpired();
    const oldest = this.#finishedAt[0];
    const waitMs = oldest === undefined ? 1000 : oldest + this.#options.windowMs - this.#now();
    return new CallSlotTimeoutError(`${reason}; the limits are ${this.#options.maxConcurrent} concurrent calls and ${this.#options.maxCallsPerWindow} calls per ${this.#options.windowMs / 1000} s.`, Math.max(1, Math.ceil(waitMs / 1000)));
  }
}
