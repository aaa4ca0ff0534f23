import { describe, expect, it } from 'vitest';

import { MemoryStore } from './memory-store.js';

function clock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('MemoryStore key-value', () => {
  it('returns a stored value until it expires', async () => {
    const time = clock();
    const store = new MemoryStore({ now: time.now });

    await store.set('a', { status: 200, body: { leadId: 7 } }, 1000);
    time.advance(999);
    expect(await store.get('a')).toEqual({ status: 200, body: { leadId: 7 } });

    time.advance(1);
    expect(await store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('stores a copy, not the caller object', async () => {
    const store = new MemoryStore();
    const value = { list: [1, 2] };

    await store.set('a', value, 1000);
    value.list.push(3);

    expect(await store.get('a')).toEqual({ list: [1, 2] });
  });

  it('deletes a key', async () => {
    const store = new MemoryStore();
    await store.set('a', 'x', 1000);

    await store.delete('a');

    expect(await store.get('a')).toBeUndefined();
  });

  it('evicts the oldest entry when full', async () => {
    const store = new MemoryStore({ maxEntries: 2 });

    await store.set('first', 1, 60_000);
    await store.set('second', 2, 60_000);
    await store.set('third', 3, 60_000);

    expect(await store.get('first')).toBeUndefined();
    expect(await store.get('second')).toBe(2);
    expect(await store.get('third')).toBe(3);
    expect(store.size).toBe(2);
  });

  it('keeps a rewritten key as the newest entry', async () => {
    const store = new MemoryStore({ maxEntries: 2 });

    await store.set('first', 1, 60_000);
    await store.set('second', 2, 60_000);
    await store.set('first', 10, 60_000);
    await store.set('third', 3, 60_000);

    expect(await store.get('first')).toBe(10);
    expect(await store.get('second')).toBeUndefined();
  });
});

describe('MemoryStore counters', () => {
  it('counts within one fixed window', async () => {
    const time = clock();
    const store = new MemoryStore({ now: time.now });

    const first = await store.increment('k', 10_000);
    time.advance(4_000);
    const second = await store.increment('k', 10_000);

    expect(first).toEqual({ count: 1, resetAt: time.now() - 4_000 + 10_000 });
    expect(second).toEqual({ count: 2, resetAt: first.resetAt });
  });

  it('starts a new window after the old one ends', async () => {
    const time = clock();
    const store = new MemoryStore({ now: time.now });

    await store.increment('k', 10_000);
    await store.increment('k', 10_000);
    time.advance(10_000);
    const next = await store.increment('k', 10_000);

    expect(next).toEqual({ count: 1, resetAt: time.now() + 10_000 });
  });

  it('counts keys separately', async () => {
    const store = new MemoryStore();

    await store.increment('a', 10_000);
    const other = await store.increment('b', 10_000);

    expect(other.count).toBe(1);
  });
});
