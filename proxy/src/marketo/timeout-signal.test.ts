import { describe, expect, it } from 'vitest';

import { requestSignal } from './timeout-signal.js';

describe('requestSignal', () => {
  it('aborts with a TimeoutError when its time runs out', async () => {
    const request = requestSignal(20, undefined);
    await new Promise((resolve) => setTimeout(resolve, 40));

    expect(request.signal.aborted).toBe(true);
    expect(request.timedOut).toBe(true);
    expect(request.signal.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('aborts with the caller’s reason when the caller aborts first', () => {
    const caller = new AbortController();
    const request = requestSignal(10_000, caller.signal);
    caller.abort(new Error('delivery budget spent'));

    expect(request.signal.reason).toEqual(new Error('delivery budget spent'));
    expect(request.timedOut).toBe(false);
    request.dispose();
  });

  it('starts aborted when the caller already gave up', () => {
    const request = requestSignal(10_000, AbortSignal.abort(new Error('too late')));
    expect(request.signal.aborted).toBe(true);
    request.dispose();
  });

  it('ignores the caller and the clock once disposed', async () => {
    const caller = new AbortController();
    const request = requestSignal(20, caller.signal);
    request.dispose();
    caller.abort();
    await new Promise((resolve) => setTimeout(resolve, 40));

    expect(request.signal.aborted).toBe(false);
  });
});
