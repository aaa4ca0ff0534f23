import { MarketoError } from '../../errors.js';
import type { SyncOutcome } from '../transport.js';
import { describeIssue, readIssues, type RestIssue, type RestSuccess } from './read-reply.js';
import { RestApiError } from './rest-api-error.js';

/** A record Marketo skipped, with the first of its reasons. */
export class SkippedRecordError extends RestApiError {
  override name = 'SkippedRecordError';
  readonly reason: RestIssue;

  constructor(operation: string, reason: RestIssue) {
    super(`Marketo ${operation} skipped the lead: ${describeIssue(reason)}.`, { code: reason.code });
    this.reason = reason;
  }
}

/**
 * Reads the first record of `result[]` (Sync Leads and Submit Form send one lead per call).
 * `created` and `updated` become the outcome. `skipped` throws `SkippedRecordError` with the
 * record's 1xxx reason, classified by `REST_ERRORS`, so a skipped lead is never reported as
 * delivered.
 */
export function readRecordResult(operation: string, reply: RestSuccess): SyncOutcome {
  const record = reply.result[0];
  if (typeof record !== 'object' || record === null) {
    throw invalidResult(operation, 'no result record');
  }

  const { id, status, reasons } = record as Record<string, unknown>;
  if (status === 'skipped') {
    const reason = readIssues(reasons)[0];
    if (reason === undefined) throw invalidResult(operation, 'a skipped record without reasons');
    throw new SkippedRecordError(operation, reason);
  }

  if ((status !== 'created' && status !== 'updated') || typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw invalidResult(operation, 'a record without a numeric id and a created/updated status');
  }
  return { leadId: id, status };
}

function invalidResult(operation: string, problem: string): MarketoError {
  return new MarketoError(`Marketo ${operation} returned success with ${problem}.`, { kind: 'invalid_reply', retryable: true });
}
