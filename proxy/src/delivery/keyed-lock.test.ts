import { describe, expect, it } from 'vitest';

import { KeyedLock } from './keyed-lock.js';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('KeyedLock', () => {
  it('runs tasks with the same key one after another', async () => {
    const lock = new KeyedLock();
    const gate = deferred();
    const events: string[] = [];

    const first = lock.run('ana@example.test', async () => {
      events.push('first start');
      await gate.promise;
      events.push('first end');
    });
    const second = lock.run('ana@example.test', async () => {
      events.push('second start');
    });
    await Promise.resolve();
    gate.resolve();
    await Promise.all([first, second]);

    expect(events).toEqual(['first start', 'first end', 'second start']);
  });

  it('runs tasks with different keys at the same time', async () => {
    const lock = new KeyedLock();
    const gate = deferred();
    const events: string[] = [];

    const first = lock.run('a', async () => {
      await gate.promise;
      events.push('a');
    });
    const second = lock.run('b', async () => {
      events.push('b');
    });
    await second;
    gate.resolve();
    await first;

    expect(events).toEqual(['b', 'a']);
  });

  it('releases the key after a failed task', async () => {
    const lock = new KeyedLock();

    await expect(lock.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const result = await lock.run('a', async () => 'next');

    expect(result).toBe('next');
    expect(lock.size).toBe(0);
  });
});
