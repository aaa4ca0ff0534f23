import type { MiddlewareHandler } from 'hono';

import { RateLimitError, type RateLimitScope } from '../../errors.js';
import type { Counter } from '../../observability/metrics.js';
import type { CounterStore } from '../../stores/store.js';

export interface RateLimiterOptions {
  store: CounterStore;
  scope: RateLimitScope;
  /** Requests allowed per key and window; 0 turns the limit off. */
  limit: number;
  windowMs: number;
  /** Counts rejected requests by scope. */
  rejected?: Counter;
}

/** Counts requests per key in fixed windows and rejects those over the limit. */
export class RateLimiter {
  readonly #options: RateLimiterOptions;

  constructor(options: RateLimiterOptions) {
    this.#options = options;
  }

  /** False when the limit is 0, so callers can skip computing a key. */
  get enabled(): boolean {
    return this.#options.limit > 0;
  }

  /**
   * Counts one request for `key`. Throws `RateLimitError` (429, `Retry-After` until the window
   * ends) when the key has used up its limit in the current window.
   */
  async hit(key: string, now = Date.now()): Promise<void> {
    const { store, scope, limit, windowMs } = this.#options;
    if (limit === 0) return;

    const { count, resetAt } = await store.increment(`rate:${scope}:${key}`, windowMs);
    if (count <= limit) return;

    this.#options.rejected?.inc({ scope });
    throw new RateLimitError(scope, Math.max(1, Math.ceil((resetAt - now) / 1000)));
  }
}

/**
 * Returns the rate-limit key of an e-mail address: a SHA-256 hex digest of the lower-cased
 * address, so a shared counter store never contains the address itself.
 */
export async function emailRateLimitKey(email: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(email.trim().toLowerCase()));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export type RateLimitEnv = { Variables: { clientAddress?: string } };

/**
 * Rejects a request over the limit of its key with 429 and `Retry-After`. `key` returns
 * undefined for a request that cannot be attributed, which then passes uncounted.
 */
export function rateLimit(limiter: RateLimiter, key: (c: Parameters<MiddlewareHandler<RateLimitEnv>>[0]) => string | undefined): MiddlewareHandler<RateLimitEnv> {
  return async function rateLimit(c, next) {
    const requestKey = key(c);
    if (requestKey !== undefined) await limiter.hit(requestKey);
    await next();
  };
}
