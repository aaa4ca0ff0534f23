import { DurableObject } from 'cloudflare:workers';

import { DeliveryTimeoutError } from '../errors.js';
import { sha256Hex } from './durable-store.js';

/** Reply of `KeyedLockObject.tryLock`. */
export type LockAttempt = { locked: true } | { locked: false; retryInMs: number };

// Polling interval while another holder has the lock.
const RETRY_IN_MS = 25;

/**
 * The Durable Object behind `DurableKeyedLock`: one instance per lock key, holding at most one
 * holder at a time. A holder that never unlocks (its isolate was evicted mid-task) loses the
 * lock when its lease ends.
 * NOTE: the holder lives in memory. Workers evicts an idle object only after seconds without
 * requests, and holders unlock within the delivery budget, so a lost holder is rare. It would
 * only let the next waiter in early.
 */
export class KeyedLockObject extends DurableObject {
  #holder: { token: string; leaseUntil: number } | undefined;

  tryLock(token: string, leaseMs: number): LockAttempt {
    const now = Date.now();
    if (this.#holder !== undefined && this.#holder.leaseUntil > now && this.#holder.token !== token) {
      return { locked: false, retryInMs: Math.min(RETRY_IN_MS, this.#holder.leaseUntil - now) };
    }

    this.#holder = { token, leaseUntil: now + leaseMs };
    return { locked: true };
  }

  unlock(token: string): void {
    if (this.#holder?.token === token) this.#holder = undefined;
  }
}

export interface DurableKeyedLockOptions {
  /** Maximum time one task may keep a lock, in ms. Default 60 s, above the delivery budget. */
  leaseMs?: number;
  /** Maximum wait for a lock, in ms, before `run` rejects. Default 60 s. */
  waitTimeoutMs?: number;
}

/**
 * A keyed lock shared by every isolate of the Worker: tasks with the same key run one after
 * another, wherever they start. It replaces the in-process `KeyedLock` on Workers for the
 * per-e-mail delivery lock and the idempotency flight.
 * NOTE: waiters poll, so across isolates the order is not first come, first served.
 */
export class DurableKeyedLock {
  readonly #namespace: DurableObjectNamespace<KeyedLockObject>;
  readonly #leaseMs: number;
  readonly #waitTimeoutMs: number;

  constructor(namespace: DurableObjectNamespace<KeyedLockObject>, options: DurableKeyedLockOptions = {}) {
    this.#namespace = namespace;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#waitTimeoutMs = options.waitTimeoutMs ?? 60_000;
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const object = this.#namespace.get(this.#namespace.idFromName(await sha256Hex(key)));
    const token = crypto.randomUUID();
    const deadline = Date.now() + this.#waitTimeoutMs;

    for (;;) {
      const attempt = (await object.tryLock(token, this.#leaseMs)) as LockAttempt;
      if (attempt.locked) break;
      if (Date.now() + attempt.retryInMs > deadline) {
        throw new DeliveryTimeoutError(`Another delivery for the same lead held its lock for more than ${this.#waitTimeoutMs} ms.`, 5);
      }
      await new Promise((resolve) => setTimeout(resolve, attempt.retryInMs));
    }

    try {
      return await task();
    } finally {
      await object.unlock(token);
    }
  }
}
