import { describe, expect, it } from 'vitest';

import { MetricsRegistry } from '../observability/metrics.js';
import { CallLimiter } from './call-limiter.js';
import { limitFetch } from './limit-fetch.js';

describe('limitFetch', () => {
  it('holds a slot until the response arrives', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1 });
    let resolveResponse!: (response: Response) => void;
    const upstream = (() => new Promise<Response>((resolve) => (resolveResponse = resolve))) as typeof fetch;
    const limited = limitFetch(upstream, { limiter });

    const pending = limited('http://127.0.0.1:1/', {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(limiter.load.inFlight).toBe(1);

    resolveResponse(new Response('ok'));
    expect(await (await pending).text()).toBe('ok');
    expect(limiter.load.inFlight).toBe(0);
  });

  it('records durations by status class and releases after a failure', async () => {
    const limiter = new CallLimiter();
    const durations = new MetricsRegistry().histogram('d_seconds', 'D.', ['status_class'], [1]);
    let calls = 0;
    const upstream = (async () => {
      calls += 1;
      if (calls === 2) throw new TypeError('fetch failed');
      return new Response('', { status: 503 });
    }) as typeof fetch;
    const limited = limitFetch(upstream, { limiter, durations });

    await limited('http://127.0.0.1:1/', {});
    await expect(limited('http://127.0.0.1:1/', {})).rejects.toThrow('fetch failed');

    expect(durations.count({ status_class: '5xx' })).toBe(1);
    expect(durations.count({ status_class: 'error' })).toBe(1);
    expect(limiter.load.inFlight).toBe(0);
  });
});
