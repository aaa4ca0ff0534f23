import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { DeliveryTimeoutError } from '../errors.js';
import { CallLimiter, type ReleaseSlot } from './call-limiter.js';

async function settled<T>(promise: Promise<T>): Promise<'pending' | 'resolved' | 'rejected'> {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await vi.advanceTimersByTimeAsync(0);
  return state;
}

describe('CallLimiter concurrency', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('admits up to maxConcurrent calls at once', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 2 });

    const first = limiter.acquire();
    const second = limiter.acquire();
    const third = limiter.acquire();

    expect(await settled(first)).toBe('resolved');
    expect(await settled(second)).toBe('resolved');
    expect(await settled(third)).toBe('pending');
    expect(limiter.load).toEqual({ queued: 1, inFlight: 2 });
  });

  it('starts a waiting call when a slot is released', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1 });
    const release = await limiter.acquire();
    const waiting = limiter.acquire();

    release();

    expect(await settled(waiting)).toBe('resolved');
    expect(limiter.load).toEqual({ queued: 0, inFlight: 1 });
  });

  it('serves waiting calls first in, first out', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1 });
    const release = await limiter.acquire();
    const order: string[] = [];

    const a = limiter.acquire().then((next) => {
      order.push('a');
      return next;
    });
    const b = limiter.acquire().then((next) => {
      order.push('b');
      return next;
    });
    release();
    (await a)();
    (await b)();

    expect(order).toEqual(['a', 'b']);
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1 });
    const release = await limiter.acquire();

    release();
    release();

    expect(limiter.load.inFlight).toBe(0);
  });
});

describe('CallLimiter rate window', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('counts a call until one window after its reply', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 10, maxCallsPerWindow: 2, windowMs: 20_000, queueTimeoutMs: 60_000 });
    (await limiter.acquire())();
    vi.advanceTimersByTime(5_000);
    (await limiter.acquire())();

    const third = limiter.acquire();
    expect(await settled(third)).toBe('pending');

    await vi.advanceTimersByTimeAsync(14_999);
    expect(await settled(third)).toBe('pending');

    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(third)).toBe('resolved');
  });

  it('counts calls in flight against the window', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 10, maxCallsPerWindow: 2, windowMs: 20_000, queueTimeoutMs: 60_000 });
    const releases: ReleaseSlot[] = [await limiter.acquire(), await limiter.acquire()];

    const third = limiter.acquire();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await settled(third)).toBe('pending');

    releases[0]!();
    await vi.advanceTimersByTimeAsync(19_999);
    expect(await settled(third)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(third)).toBe('resolved');
  });
});

describe('CallLimiter waiting limits', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('rejects with DeliveryTimeoutError after the queue timeout', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1, queueTimeoutMs: 500 });
    await limiter.acquire();

    const waiting = limiter.acquire();
    const outcome = waiting.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(500);
    const error = await outcome;

    expect(error).toBeInstanceOf(DeliveryTimeoutError);
    expect((error as DeliveryTimeoutError).code).toBe('upstream_unavailable');
    expect((error as DeliveryTimeoutError).retryable).toBe(true);
    expect((error as DeliveryTimeoutError).message).toContain('within 500 ms');
    expect((error as DeliveryTimeoutError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limiter.load.queued).toBe(0);
  });

  it('rejects at once when the queue is full', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1, maxQueueLength: 1 });
    await limiter.acquire();
    void limiter.acquire().catch(() => undefined);

    await expect(limiter.acquire()).rejects.toThrow(/already waiting/);
  });

  it('rejects with the abort reason of the signal', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const reason = new Error('deadline');

    const waiting = limiter.acquire(controller.signal);
    controller.abort(reason);

    await expect(waiting).rejects.toBe(reason);
    expect(limiter.load.queued).toBe(0);
  });

  it('rejects an already aborted signal without queueing', async () => {
    const limiter = new CallLimiter();
    const reason = new Error('gone');

    await expect(limiter.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(limiter.load).toEqual({ queued: 0, inFlight: 0 });
  });
});
