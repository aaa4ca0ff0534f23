import { describe, expect, it } from 'vitest';

import { MemoryStore } from '../stores/memory-store.js';
import { IdempotencyGuard } from './idempotency.js';
import { KeyedLock } from './keyed-lock.js';

/** Two guards stand for two processes or isolates that share a store and a lock. */
describe('IdempotencyGuard with a shared lock', () => {
  it('runs concurrent repeats on two instances once', async () => {
    const store = new MemoryStore();
    const lock = new KeyedLock();
    const first = new IdempotencyGuard({ store, lock });
    const second = new IdempotencyGuard({ store, lock });
    let runs = 0;
    const work = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: 200 as const, body: { leadId: 7 } };
    };

    const [a, b] = await Promise.all([first.run('id-1', 'fingerprint', work), second.run('id-1', 'fingerprint', work)]);

    expect(runs).toBe(1);
    expect(a.response).toEqual(b.response);
    expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
  });

  it('without a lock both instances run', async () => {
    const store = new MemoryStore();
    let runs = 0;
    const work = async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { status: 200 as const, body: {} };
    };

    await Promise.all([new IdempotencyGuard({ store }).run('id-2', 'f', work), new IdempotencyGuard({ store }).run('id-2', 'f', work)]);

    expect(runs).toBe(2);
  });
});
