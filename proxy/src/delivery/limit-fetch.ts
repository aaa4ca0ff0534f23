import { CallSlotTimeoutError } from '../errors.js';
import type { Histogram } from '../observability/metrics.js';
import type { UpstreamFetch, UpstreamReply } from '../marketo/upstream-fetch.js';
import type { CallLimiter } from './call-limiter.js';
import type { QuotaGate } from './quota-gate.js';

export interface LimitFetchOptions {
  /** `CallLimiter` in one process; `DurableCallLimiter` shares the limits across Workers isolates. */
  limiter: Pick<CallLimiter, 'acquire'>;
  /** Receives the duration of each request in seconds, labelled by status class. */
  durations?: Histogram;
  /** Clock in ms for durations. Default `performance.now`. */
  now?: () => number;
  /**
   * How long a request given up before its reply (a timeout, an abort) keeps its slot, in ms:
   * twice this from sending, and at least this from giving up. Marketo may still be working on
   * it, and a slot freed at once would let the next call exceed the concurrency limit. Default 0.
   * The app passes MARKETO_TIMEOUT_MS.
   * NOTE: how long Marketo goes on with a call whose client left is not documented, so this
   * hold is an estimate. On Workers the isolate may end before the release, and the slot then
   * frees when its lease in the limiter object ends.
   */
  abandonedHoldMs?: number;
  /** Counts each request sent against the daily call budget. */
  quotaGate?: Pick<QuotaGate, 'countCall'>;
}

/**
 * Wraps `fetch` so every upstream HTTP request occupies a limiter slot from sending until its
 * response headers arrive, when Marketo has finished the call. Because the limit applies per
 * HTTP request, a transport that makes several requests per lead (REST: upsert, then
 * associate) is counted exactly, without knowing about the limiter.
 *
 * The wait for a slot ends with the request's own `signal`, so the transport's timeout and the
 * delivery deadline cover it.
 */
export function limitFetch(fetchUpstream: UpstreamFetch, options: LimitFetchOptions): UpstreamFetch {
  const now = options.now ?? (() => performance.now());

  return async function limitedFetch(url: string, init: RequestInit): Promise<UpstreamReply> {
    const release = await options.limiter.acquire(init.signal ?? undefined).catch((error: unknown) => {
      // The request's own timeout ran out while it waited: Marketo was never called, so this is
      // a wait for a slot, not a Marketo timeout.
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new CallSlotTimeoutError(
          'No Marketo call slot became free before MARKETO_TIMEOUT_MS ran out, because calls of this proxy filled the limits MARKETO_MAX_CONCURRENT_CALLS and MARKETO_MAX_CALLS_PER_20S. Set MARKETO_TIMEOUT_MS above LEADSYNC_QUEUE_TIMEOUT_MS to let calls wait longer.',
          1,
        );
      }
      throw error;
    });
    const startedAt = now();
    options.quotaGate?.countCall();

    try {
      const response = await fetchUpstream(url, init);
      options.durations?.observe((now() - startedAt) / 1000, { status_class: `${Math.floor(response.status / 100)}xx` });
      await release();
      return response;
    } catch (error) {
      options.durations?.observe((now() - startedAt) / 1000, { status_class: 'error' });
      // The request's timer also ran while it waited for the slot, so an aborted call may have
      // been sent only just before. It keeps the slot for twice the hold time from sending, and
      // at least the hold time from now.
      const hold = init.signal?.aborted ? (options.abandonedHoldMs ?? 0) : 0;
      const holdMs = hold === 0 ? 0 : Math.max(hold, startedAt + 2 * hold - now());
      if (holdMs > 0) {
        // Released in the background: the caller learns of the failure now.
        const timer: unknown = setTimeout(() => void Promise.resolve(release()).catch(() => undefined), holdMs);
        // On Node the held slot does not keep the process alive; Workers timers are numbers.
        if (typeof timer === 'object' && timer !== null && 'unref' in timer && typeof timer.unref === 'function') timer.unref();
      } else {
        await release();
      }
      throw error;
    }
  };
}
