import { describe, expect, it } from 'vitest';

import { SingleFlight } from './single-flight.js';

describe('SingleFlight', () => {
  it('joins concurrent calls with the same key', async () => {
    const flights = new SingleFlight<number>();
    let runs = 0;
    const task = async () => {
      runs += 1;
      return 42;
    };

    const first = flights.run('k', task);
    const second = flights.run('k', task);

    expect(first.joined).toBe(false);
    expect(second.joined).toBe(true);
    expect(await second.promise).toBe(42);
    expect(runs).toBe(1);
  });

  it('forgets a key once its task settled', async () => {
    const flights = new SingleFlight<number>();

    await flights.run('k', async () => 1).promise;
    const next = flights.run('k', async () => 2);

    expect(next.joined).toBe(false);
    expect(await next.promise).toBe(2);
    expect(flights.has('k')).toBe(false);
  });
});
