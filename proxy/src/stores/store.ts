/**
 * Storage the proxy keeps between requests: idempotency records and rate-limit counters. The
 * interfaces are asynchronous, so an edge runtime can back them with a shared platform store
 * such as a Durable Object. `MemoryStore` backs them on Node.
 */

/** Values a store accepts: anything that survives `structuredClone` and JSON. */
export type StoredValue = string | number | boolean | null | StoredValue[] | { [key: string]: StoredValue };

/** A key-value store whose entries expire. */
export interface KeyValueStore {
  /** Returns the value of `key`, or undefined when it is absent or expired. */
  get(key: string): Promise<StoredValue | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds, replacing any earlier value. */
  set(key: string, value: StoredValue, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Count of one fixed window, as `CounterStore.increment` returns it. */
export interface WindowCount {
  /** Increments in the current window, this one included. */
  count: number;
  /** End of the current window, in ms since the epoch. */
  resetAt: number;
}

/** Counters over fixed time windows, for rate limits. */
export interface CounterStore {
  /**
   * Adds one to the counter of `key` and returns the new count. The window starts with the first
   * increment after the previous window ended and lasts `windowMs` milliseconds.
   */
  increment(key: string, windowMs: number): Promise<WindowCount>;
}
