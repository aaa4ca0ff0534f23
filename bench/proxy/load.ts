/** Sends a fixed list of requests with a fixed concurrency and measures each one. */

export interface PreparedRequest {
  url: string;
  contentType: string;
  body: string;
}

export interface LoadResult {
  requests: number;
  /** Requests whose response status was not 200. */
  failures: number;
  /** Wall time of the whole run, in ms. */
  elapsedMs: number;
  /** Latency of each request, in ms. */
  latenciesMs: number[];
  /** Statuses seen, with counts, to explain failures. */
  statuses: Record<number, number>;
}

/** Sends every request once, `concurrency` at a time, and resolves when every response has arrived. */
export async function runLoad(requests: readonly PreparedRequest[], concurrency: number): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const statuses: Record<number, number> = {};
  let failures = 0;
  let next = 0;

  async function worker(): Promise<void> {
    while (next < requests.length) {
      const request = requests[next]!;
      next += 1;

      const started = performance.now();
      const response = await fetch(request.url, { method: 'POST', headers: { 'Content-Type': request.contentType }, body: request.body });
      await response.arrayBuffer();
      latenciesMs.push(performance.now() - started);

      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status !== 200) failures += 1;
    }
  }

  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  return { requests: requests.length, failures, elapsedMs: performance.now() - started, latenciesMs, statuses };
}

/** Returns the `fraction` quantile (0.5 for the median) of the values, nearest-rank. */
export function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}
