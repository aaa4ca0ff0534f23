import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import { DeliveryTimeoutError } from '../src/errors.js';
import { DurableCallLimiter } from '../src/stores/durable-call-limiter.js';
import { DurableKeyedLock } from '../src/stores/durable-keyed-lock.js';
import { DurableStore } from '../src/stores/durable-store.js';

/**
 * The Durable Object stores in workerd. Each test makes two or more client instances, as two
 * isolates of the Worker would, and checks that they see one shared state.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DurableStore', () => {
  it('shares values between two instances', async () => {
    const key = `value-${crypto.randomUUID()}`;

    await new DurableStore(env.STORE_ENTRIES).set(key, { status: 200, body: { leadId: 7 } }, 60_000);
    const seen = await new DurableStore(env.STORE_ENTRIES).get(key);

    expect(seen).toEqual({ status: 200, body: { leadId: 7 } });
  });

  it('forgets a value after its TTL', async () => {
    const store = new DurableStore(env.STORE_ENTRIES);
    const key = `ttl-${crypto.randomUUID()}`;

    await store.set(key, 'short', 50);
    await sleep(80);

    expect(await store.get(key)).toBeUndefined();
  });

  it('deletes a value', async () => {
    const store = new DurableStore(env.STORE_ENTRIES);
    const key = `delete-${crypto.randomUUID()}`;
    await store.set(key, 1, 60_000);

    await store.delete(key);

    expect(await store.get(key)).toBeUndefined();
  });

  it('counts one window across instances', async () => {
    const key = `count-${crypto.randomUUID()}`;
    const stores = [new DurableStore(env.STORE_ENTRIES), new DurableStore(env.STORE_ENTRIES)];

    const counts = await Promise.all(Array.from({ length: 6 }, (_, index) => stores[index % 2]!.increment(key, 60_000)));

    expect(counts.map((count) => count.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(counts.map((count) => count.resetAt)).size).toBe(1);
  });

  it('starts a new window after the last one ended', async () => {
    const store = new DurableStore(env.STORE_ENTRIES);
    const key = `window-${crypto.randomUUID()}`;

    await store.increment(key, 50);
    await store.increment(key, 50);
    await sleep(80);

    expect((await store.increment(key, 50)).count).toBe(1);
  });
});

describe('DurableKeyedLock', () => {
  it('runs tasks with one key one at a time across instances', async () => {
    const key = `lock-${crypto.randomUUID()}`;
    const locks = [new DurableKeyedLock(env.KEYED_LOCKS), new DurableKeyedLock(env.KEYED_LOCKS)];
    let running = 0;
    let maxRunning = 0;

    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        locks[index % 2]!.run(key, async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await sleep(15);
          running -= 1;
        }),
      ),
    );

    expect(maxRunning).toBe(1);
  });

  it('runs tasks with different keys at once', async () => {
    const lock = new DurableKeyedLock(env.KEYED_LOCKS);
    let running = 0;
    let maxRunning = 0;

    await Promise.all(
      ['a', 'b', 'c'].map((suffix) =>
        lock.run(`parallel-${suffix}-${crypto.randomUUID()}`, async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await sleep(30);
          running -= 1;
        }),
      ),
    );

    expect(maxRunning).toBe(3);
  });

  it('frees the lock when a task throws', async () => {
    const key = `throw-${crypto.randomUUID()}`;
    const lock = new DurableKeyedLock(env.KEYED_LOCKS);

    await expect(lock.run(key, async () => Promise.reject(new Error('task failed')))).rejects.toThrow('task failed');

    expect(await lock.run(key, async () => 'next')).toBe('next');
  });

  it('takes over a lock whose lease ended', async () => {
    const key = `lease-${crypto.randomUUID()}`;
    const stuck = new DurableKeyedLock(env.KEYED_LOCKS, { leaseMs: 50 });
    let releaseStuck!: () => void;
    const stuckTask = stuck.run(key, () => new Promise<void>((resolve) => (releaseStuck = resolve)));
    await sleep(10);

    const startedAt = Date.now();
    await new DurableKeyedLock(env.KEYED_LOCKS).run(key, async () => undefined);

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(30);
    releaseStuck();
    await stuckTask;
  });

  it('gives up after the wait timeout', async () => {
    const key = `timeout-${crypto.randomUUID()}`;
    const holder = new DurableKeyedLock(env.KEYED_LOCKS);
    let release!: () => void;
    const held = holder.run(key, () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(10);

    const waiting = new DurableKeyedLock(env.KEYED_LOCKS, { waitTimeoutMs: 60 }).run(key, async () => undefined);

    await expect(waiting).rejects.toBeInstanceOf(DeliveryTimeoutError);
    release();
    await held;
  });
});

describe('DurableCallLimiter', () => {
  function limiter(instanceName: string, options: { maxConcurrent?: number; maxCallsPerWindow?: number; windowMs?: number; queueTimeoutMs?: number } = {}) {
    return new DurableCallLimiter(env.CALL_LIMITER, { instanceName, queueTimeoutMs: 10_000, ...options });
  }

  it('keeps 10 calls in flight across three instances', async () => {
    const instanceName = `concurrency-${crypto.randomUUID()}`;
    const clients = [limiter(instanceName), limiter(instanceName), limiter(instanceName)];
    let inFlight = 0;
    let maxInFlight = 0;

    await Promise.all(
      Array.from({ length: 30 }, async (_, index) => {
        const release = await clients[index % 3]!.acquire();
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await sleep(20);
        inFlight -= 1;
        await release();
      }),
    );

    expect(maxInFlight).toBe(10);
  });

  it('holds calls past the window limit until the window frees', async () => {
    const instanceName = `window-${crypto.randomUUID()}`;
    const clients = [limiter(instanceName, { maxCallsPerWindow: 5, windowMs: 300 }), limiter(instanceName, { maxCallsPerWindow: 5, windowMs: 300 })];
    const startedAt: number[] = [];

    for (let call = 0; call < 6; call += 1) {
      const release = await clients[call % 2]!.acquire();
      startedAt.push(Date.now());
      await release();
    }

    expect(startedAt[5]! - startedAt[0]!).toBeGreaterThanOrEqual(280);
    expect(startedAt[4]! - startedAt[0]!).toBeLessThan(280);
  });

  it('rejects with DeliveryTimeoutError after the queue timeout', async () => {
    const instanceName = `timeout-${crypto.randomUUID()}`;
    const holder = limiter(instanceName, { maxConcurrent: 1 });
    const release = await holder.acquire();

    const waiting = limiter(instanceName, { maxConcurrent: 1, queueTimeoutMs: 80 }).acquire();

    await expect(waiting).rejects.toBeInstanceOf(DeliveryTimeoutError);
    await release();
  });

  it('rejects with the reason of an aborted signal', async () => {
    const instanceName = `abort-${crypto.randomUUID()}`;
    const holder = limiter(instanceName, { maxConcurrent: 1 });
    const release = await holder.acquire();
    const controller = new AbortController();

    const waiting = limiter(instanceName, { maxConcurrent: 1 }).acquire(controller.signal);
    controller.abort(new Error('visitor left'));

    await expect(waiting).rejects.toThrow('visitor left');
    await release();
  });
});
