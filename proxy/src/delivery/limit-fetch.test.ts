import { describe, expect, it } from 'vitest';

import { CallSlotTimeoutError } from '../errors.js';
import { requestSignal } from '../marketo/timeout-signal.js';
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

  it('reports a request timeout during the slot wait as no free slot', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1, queueTimeoutMs: 10_000 });
    const holder = await limiter.acquire();
    const limited = limitFetch((async () => new Response('ok')) as typeof fetch, { limiter });
    const request = requestSignal(20, undefined);

    const waiting = limited('http://127.0.0.1:1/', { signal: request.signal });

    await expect(waiting).rejects.toBeInstanceOf(CallSlotTimeoutError);
    await expect(waiting).rejects.toThrow('No Marketo call slot became free before MARKETO_TIMEOUT_MS ran out');
    request.dispose();
    await holder();
  });

  it('passes a caller abort during the slot wait through', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1, queueTimeoutMs: 10_000 });
    const holder = await limiter.acquire();
    const limited = limitFetch((async () => new Response('ok')) as typeof fetch, { limiter });
    const controller = new AbortController();

    const waiting = limited('http://127.0.0.1:1/', { signal: controller.signal });
    controller.abort(new Error('visitor left'));

    await expect(waiting).rejects.toThrow('visitor left');
    await holder();
  });

  it('keeps the slot of an abandoned request for a while', async () => {
    const limiter = new CallLimiter({ maxConcurrent: 1 });
    const hanging = ((_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof fetch;
    const limited = limitFetch(hanging, { limiter, abandonedHoldMs: 100 });
    const controller = new AbortController();

    const call = limited('http://127.0.0.1:1/', { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 0));
    controller.abort(new Error('timed out'));
    await expect(call).rejects.toThrow('timed out');
    // Sent and given up at once: the slot stays taken for twice the hold time from sending.
    await new Promise((resolve) => setTimeout(resolve, 150));
    const heldAfterOneHold = limiter.load.inFlight;
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(heldAfterOneHold).toBe(1);
    expect(limiter.load.inFlight).toBe(0);
  });
});
