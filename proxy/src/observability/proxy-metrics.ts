import { MetricsRegistry, type Counter, type Histogram } from './metrics.js';

/** Outcome of a submission request, the `outcome` label of `leadsync_submissions_total`. */
export type SubmissionOutcome =
  | 'created'
  | 'updated'
  | 'queued'
  /** Rejected by Marketo for good, e.g. for wrong credentials: stored as a dead letter and acknowledged with 202 queued. */
  | 'dead_lettered'
  /** Flagged as a bot: given a success response and not sent to Marketo. */
  | 'bot'
  /** A repeated `submissionId`: given the stored first response, or joined to the running request. */
  | 'replayed'
  | 'rate_limited'
  /** Rejected for its content: invalid JSON, unknown form, invalid fields and the like. */
  | 'rejected'
  /** The client closed the connection before its whole request body arrived. */
  | 'aborted'
  /** Could not be delivered: Marketo failed or stayed busy past the time budget. */
  | 'failed';

/** Current numbers of the upstream call limiter, read when `/metrics` is scraped. */
export interface UpstreamLoad {
  /** Calls waiting for a slot. */
  queued: number;
  /** Calls sent that have no response yet. */
  inFlight: number;
}

export interface ProxyMetrics {
  registry: MetricsRegistry;
  submissions: Counter;
  upstreamDuration: Histogram;
  upstreamRetries: Counter;
  rateLimited: Counter;
  bots: Counter;
}

// From 10 ms to the longest sensible timeout; Marketo's SOAP calls usually take a few hundred ms.
const LATENCY_BUCKETS_SECONDS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * Registers the proxy's metrics. `readLoad` reports the limiter's queue depth and calls in flight.
 * `readQuotaPausedUntil` reports when the proxy resumes calls after Marketo's daily quota ran out,
 * in ms since the epoch, or 0 when calls go out.
 */
export function createProxyMetrics(readLoad: () => UpstreamLoad, readQuotaPausedUntil: () => number = () => 0): ProxyMetrics {
  const registry = new MetricsRegistry();

  const metrics: ProxyMetrics = {
    registry,
    submissions: registry.counter('leadsync_submissions_total', 'Submission requests by outcome.', ['outcome']),
    upstreamDuration: registry.histogram(
      'leadsync_upstream_request_duration_seconds',
      'Duration of each HTTP request to Marketo until the response headers arrive, by status class (2xx, 4xx, 5xx, or error when no response came).',
      ['status_class'],
      LATENCY_BUCKETS_SECONDS,
    ),
    upstreamRetries: registry.counter('leadsync_upstream_retries_total', 'Marketo calls sent again, by the failure that caused the retry.', ['reason']),
    rateLimited: registry.counter('leadsync_rate_limited_total', 'Requests answered 429, by the limit they exceeded (address or email).', ['scope']),
    bots: registry.counter('leadsync_bot_submissions_total', 'Submissions flagged as bots and not sent to Marketo, by signal.', ['reason']),
  };

  registry.gauge('leadsync_upstream_queue_depth', 'Marketo calls waiting for a free slot under the concurrency and rate limits.', () => readLoad().queued);
  registry.gauge('leadsync_upstream_in_flight', 'Marketo calls sent and not yet answered.', () => readLoad().inFlight);
  registry.gauge(
    'leadsync_upstream_quota_paused_until_seconds',
    "Unix time when the proxy resumes Marketo calls after the daily API quota ran out; 0 while calls go out.",
    () => Math.ceil(readQuotaPausedUntil() / 1000),
  );

  return metrics;
}
