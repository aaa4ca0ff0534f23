import { DurableObject } from 'cloudflare:workers';

import { CALL_LIMITER_DEFAULTS, type CallLimiterOptions, type ReleaseSlot } from '../delivery/call-limiter.js';
import { CallSlotTimeoutError } from '../errors.js';
import type { UpstreamLoad } from '../observability/proxy-metrics.js';

/** The limits, sent with every request so the object needs no configuration of its own. */
export interface SlotLimits {
  maxConcurrent: number;
  maxCallsPerWindow: number;
  windowMs: number;
}

/** Reply of `CallLimiterObject.acquire`. */
export type SlotAttempt = { granted: true; token: string } | { granted: false; retryInMs: number };

// Maximum time a call keeps its slot. A slot whose holder vanished frees itself after it, and it
// is longer than the maximum upstream timeout the configuration accepts (120 s).
const SLOT_LEASE_MS = 150_000;
// Polling interval while all concurrent slots are taken.
const CONCURRENCY_RETRY_MS = 20;

/**
 * The Durable Object behind `DurableCallLimiter`: one instance per Marketo instance counts every
 * call of every isolate against Marketo's limits, the same way `CallLimiter` counts within one
 * process: a call counts from its start until one window after it finished.
 * NOTE: the counts live in memory. Workers evicts an idle object only after seconds without
 * requests, so a lost count is rare, and it lets through at most one window's worth extra.
 */
export class CallLimiterObject extends DurableObject {
  readonly #inFlight = new Map<string, number>();
  #finishedAt: number[] = [];

  acquire(limits: SlotLimits): SlotAttempt {
    const now = Date.now();
    this.#expire(now, limits.windowMs);

    if (this.#inFlight.size >= limits.maxConcurrent) return { granted: false, retryInMs: CONCURRENCY_RETRY_MS };
    if (this.#inFlight.size + this.#finishedAt.length >= limits.maxCallsPerWindow) {
      const oldest = this.#finishedAt[0] ?? now;
      return { granted: false, retryInMs: Math.max(CONCURRENCY_RETRY_MS, oldest + limits.windowMs - now) };
    }

    const token = crypto.randomUUID();
    this.#inFlight.set(token, now + SLOT_LEASE_MS);
    return { granted: true, token };
  }

  release(token: string): void {
    if (this.#inFlight.delete(token)) this.#finishedAt.push(Date.now());
  }

  /** Calls in flight and calls counted in the current window, for tests and operators. */
  load(windowMs: number): { inFlight: number; inWindow: number } {
    this.#expire(Date.now(), windowMs);
    return { inFlight: this.#inFlight.size, inWindow: this.#inFlight.size + this.#finishedAt.length };
  }

  #expire(now: number, windowMs: number): void {
    for (const [token, leaseUntil] of this.#inFlight) {
      if (leaseUntil > now) continue;
      this.#inFlight.delete(token);
      this.#finishedAt.push(leaseUntil);
    }

    this.#finishedAt.sort((a, b) => a - b);
    const cutoff = now - windowMs;
    const expired = this.#finishedAt.findIndex((finishedAt) => finishedAt > cutoff);
    this.#finishedAt = expired === -1 ? [] : this.#finishedAt.slice(expired);
  }
}

export interface DurableCallLimiterOptions extends Omit<CallLimiterOptions, 'maxQueueLength' | 'now'> {
  /** Name of the limiter object: one per Marketo instance, e.g. its Munchkin id. */
  instanceName: string;
}

/**
 * The Workers counterpart of `CallLimiter`: the same limits (10 calls in flight, 100 per 20 s by
 * default), counted in one `CallLimiterObject` for all isolates, so a burst spread over many
 * isolates still stays within Marketo's limits.
 * NOTE: waiting calls poll the object, so across isolates they start in no fixed order.
 */
export class DurableCallLimiter {
  readonly #namespace: DurableObjectNamespace<CallLimiterObject>;
  readonly #instanceName: string;
  readonly #limits: SlotLimits;
  readonly #queueTimeoutMs: number;
  #waiting = 0;
  #inFlight = 0;

  constructor(namespace: DurableObjectNamespace<CallLimiterObject>, options: DurableCallLimiterOptions) {
    this.#namespace = namespace;
    this.#instanceName = options.instanceName;
    this.#limits = {
      maxConcurrent: options.maxConcurrent ?? CALL_LIMITER_DEFAULTS.maxConcurrent,
      maxCallsPerWindow: options.maxCallsPerWindow ?? CALL_LIMITER_DEFAULTS.maxCallsPerWindow,
      windowMs: options.windowMs ?? CALL_LIMITER_DEFAULTS.windowMs,
    };
    this.#queueTimeoutMs = options.queueTimeoutMs ?? CALL_LIMITER_DEFAULTS.queueTimeoutMs;
  }

  /** Calls of this isolate only; the object has the totals. */
  get load(): UpstreamLoad {
    return { queued: this.#waiting, inFlight: this.#inFlight };
  }

  /**
   * Waits for a slot in the shared limiter and returns the function that releases it. Rejects
   * like `CallLimiter.acquire`: `CallSlotTimeoutError` after the queue timeout, the signal's
   * reason when `signal` aborts first.
   */
  async acquire(signal?: AbortSignal): Promise<ReleaseSlot> {
    const object = this.#object();
    const deadline = Date.now() + this.#queueTimeoutMs;
    this.#waiting += 1;

    try {
      for (;;) {
        if (signal?.aborted) throw signal.reason;

        const attempt = (await object.acquire(this.#limits)) as SlotAttempt;
        if (attempt.granted) return this.#holdSlot(attempt.token);

        if (Date.now() + attempt.retryInMs > deadline) throw this.#timeoutError(attempt.retryInMs);
        await sleep(attempt.retryInMs, signal);
      }
    } finally {
      this.#waiting -= 1;
    }
  }

  #holdSlot(token: string): ReleaseSlot {
    this.#inFlight += 1;
    let released = false;

    return () => {
      if (released) return;
      released = true;
      this.#inFlight -= 1;
      // A fresh stub: the release may run in another request than the acquire.
      this.#object()
        .release(token)
        .catch(() => undefined);
    };
  }

  #object(): DurableObjectStub<CallLimiterObject> {
    return this.#namespace.get(this.#namespace.idFromName(this.#instanceName));
  }

  #timeoutError(retryInMs: number): CallSlotTimeoutError {
    const { maxConcurrent, maxCallsPerWindow, windowMs } = this.#limits;
    return new CallSlotTimeoutError(
      `No Marketo call slot became free within ${this.#queueTimeoutMs} ms; the limits are ${maxConcurrent} concurrent calls and ${maxCallsPerWindow} calls per ${windowMs / 1000} s.`,
      Math.max(1, Math.ceil(retryInMs / 1000)),
    );
  }
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
