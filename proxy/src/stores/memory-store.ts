import type { CounterStore, KeyValueStore, StoredValue, WindowCount } from './store.js';

export interface MemoryStoreOptions {
  /**
   * Entries kept at most; when full, the oldest written entry is evicted. Default 100,000, which
   * bounds memory to a few tens of megabytes for idempotency records.
   */
  maxEntries?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

interface Entry {
  value: StoredValue;
  expiresAt: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * An in-process `KeyValueStore` and `CounterStore`. Expired entries are dropped when read; when
 * the store is full, the oldest written entry makes room, which is also the one expiring first
 * as long as one store contains entries of one lifetime. It serves one process only: behind a load
 * balancer, or on an edge runtime with many isolates, each instance counts and remembers on its own.
 */
export class MemoryStore implements KeyValueStore, CounterStore {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#now = options.now ?? Date.now;
  }

  /** Number of stored entries, expired ones included until they are dropped. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<StoredValue | undefined> {
    return this.#read(key)?.value;
  }

  async set(key: string, value: StoredValue, ttlMs: number): Promise<void> {
    this.#write(key, { value: structuredClone(value), expiresAt: this.#now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    const current = this.#read(key);
    if (current !== undefined && typeof current.value === 'number') {
      current.value += 1;
      return { count: current.value, resetAt: current.expiresAt };
    }

    const expiresAt = this.#now() + windowMs;
    this.#write(key, { value: 1, expiresAt });
    return { count: 1, resetAt: expiresAt };
  }

  #read(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > this.#now()) return entry;

    this.#entries.delete(key);
    return undefined;
  }

  /** Writes `entry` as the newest entry. A Map iterates in insertion order, so its first key is the oldest. */
  #write(key: string, entry: Entry): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }
}
