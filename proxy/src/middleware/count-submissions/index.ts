import type { MiddlewareHandler } from 'hono';

import type { Counter } from '../../observability/metrics.js';
import type { SubmissionOutcome } from '../../observability/proxy-metrics.js';

export type CountSubmissionsEnv = { Variables: { submissionOutcome?: SubmissionOutcome } };

/**
 * Counts every request of the submission route in `leadsync_submissions_total`, rejected ones
 * included. The handler names the outcome of an accepted request in `c.var.submissionOutcome`;
 * otherwise the status decides: 429 `rate_limited`, other 4xx `rejected`, 5xx `failed`.
 */
export function countSubmissions(submissions: Counter): MiddlewareHandler<CountSubmissionsEnv> {
  return async function countSubmissions(c, next) {
    await next();
    submissions.inc({ outcome: c.get('submissionOutcome') ?? outcomeForStatus(c.res.status) });
  };
}

function outcomeForStatus(status: number): SubmissionOutcome {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'failed';
  return 'rejected';
}
