import { DurableObject } from 'cloudflare:workers';

import type { CounterStore, KeyValueStore, StoredValue, WindowCount } from './store.js';

interface Entry {
  value: StoredValue;
  /** In ms since the epoch. */
  expiresAt: number;
}

const ENTRY_KEY = 'entry';

/**
 * The Durable Object behind `DurableStore`: one instance per store key, holding that key's
 * value or counter in its storage. Every isolate of the Worker reaches the same instance for a
 * key, so an idempotency record or a rate-limit count is one value everywhere. An alarm at the
 * expiry time deletes the entry, so expired keys leave no storage behind.
 */
export class StoreEntryObject extends DurableObject {
  async get(): Promise<StoredValue | undefined> {
    return (await this.#read())?.value;
  }

  async set(value: StoredValue, ttlMs: number): Promise<void> {
    await this.#write({ value, expiresAt: Date.now() + ttlMs });
  }

  async remove(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }

  /** Adds one within the current window; a new window starts when the previous one has ended. */
  async increment(windowMs: number): Promise<WindowCount> {
    const current = await this.#read();
    if (current !== undefined && typeof current.value === 'number') {
      const count = current.value + 1;
      await this.#write({ value: count, expiresAt: current.expiresAt });
      return { count, resetAt: current.expiresAt };
    }

    const expiresAt = Date.now() + windowMs;
    await this.#write({ value: 1, expiresAt });
    return { count: 1, resetAt: expiresAt };
  }

  override async alarm(): Promise<void> {
    const entry = await this.ctx.storage.get<Entry>(ENTRY_KEY);
    if (entry === undefined || entry.expiresAt <= Date.now()) {
      await this.ctx.storage.deleteAll();
      return;
    }
    // The entry was rewritten with a later expiry after this alarm was set.
    await this.ctx.storage.setAlarm(entry.expiresAt);
  }

  async #read(): Promise<Entry | undefined> {
    const entry = await this.ctx.storage.get<Entry>(ENTRY_KEY);
    if (entry === undefined || entry.expiresAt > Date.now()) return entry;
    return undefined;
  }

  async #write(entry: Entry): Promise<void> {
    await this.ctx.storage.put(ENTRY_KEY, entry);
    await this.ctx.storage.setAlarm(entry.expiresAt);
  }
}

/** The methods of `StoreEntryObject` as a stub exposes them. */
interface StoreEntryRpc {
  get(): Promise<StoredValue | undefined>;
  set(value: StoredValue, ttlMs: number): Promise<void>;
  remove(): Promise<void>;
  increment(windowMs: number): Promise<WindowCount>;
}

/**
 * The Workers `KeyValueStore` and `CounterStore`: each key lives in its own `StoreEntryObject`,
 * so the store scales with the number of keys and no instance becomes a bottleneck. Keys are
 * hashed before they name an object, so e-mail addresses in rate-limit keys never reach the
 * platform as names.
 */
export class DurableStore implements KeyValueStore, CounterStore {
  readonly #namespace: DurableObjectNamespace<StoreEntryObject>;

  constructor(namespace: DurableObjectNamespace<StoreEntryObject>) {
    this.#namespace = namespace;
  }

  async get(key: string): Promise<StoredValue | undefined> {
    return (await this.#object(key)).get();
  }

  async set(key: string, value: StoredValue, ttlMs: number): Promise<void> {
    await (await this.#object(key)).set(value, ttlMs);
  }

  async delete(key: string): Promise<void> {
    await (await this.#object(key)).remove();
  }

  async increment(key: string, windowMs: number): Promise<WindowCount> {
    return (await this.#object(key)).increment(windowMs);
  }

  // A stub belongs to the request that created it, so every call takes a fresh one.
  async #object(key: string): Promise<StoreEntryRpc> {
    // The cast spares the compiler the RPC type of the recursive `StoredValue`, which it cannot expand.
    return this.#namespace.get(this.#namespace.idFromName(await sha256Hex(key))) as unknown as StoreEntryRpc;
  }
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
