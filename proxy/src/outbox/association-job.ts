import type { MarketoError } from '../errors.js';
import type { Logger } from '../log.js';
import { associationErrorOf } from '../marketo/rest/associate-lead.js';
import type { LeadSync, SyncOutcome } from '../marketo/transport.js';
import type { FollowUp, Outbox } from './outbox.js';
import { describeFailure, type RetrySchedule } from './retry-schedule.js';

/** A submission whose lead Marketo now has. */
export interface DeliveredSubmission {
  submissionId: string;
  formId: string;
  lead: LeadSync;
}

/**
 * Returns the association job, dated `now`, for a delivered lead whose Associate Lead call failed
 * for a reason that can pass: 606, 615, a timeout, a 5xx. A failure that cannot pass, such as
 * 1004 (lead not found) or 1012 (invalid cookie), gets no job, because Marketo would reject it
 * again, and is logged here once with its code.
 */
export function associationFollowUp(submission: DeliveredSubmission, outcome: SyncOutcome, now: number, log: Logger): FollowUp | undefined {
  const failure = associationErrorOf(outcome);
  const cookie = submission.lead.cookie;
  if (failure === undefined || cookie === undefined) return undefined;

  if (!failure.retryable) {
    logUnassociatedCookie(log, outcome.leadId, failure, 'Marketo rejected the association, so it is not retried');
    return undefined;
  }

  const { submissionId, formId } = submission;
  return { job: { kind: 'associate', submissionId, formId, leadId: outcome.leadId, cookie, enqueuedAt: now }, failure };
}

/** Logs a cookie the proxy leaves unassociated for `reason`: one error line with the lead id and Marketo's code. */
export function logUnassociatedCookie(log: Logger, leadId: number, failure: MarketoError, reason: string): void {
  log.log('error', `The lead was delivered, but its cookie was not associated. ${reason}: ${failure.message}`, {
    leadId,
    code: failure.code,
    faultCode: failure.faultCode,
  });
}

export interface StoreAssociationJobOptions {
  /** Undefined when the proxy runs without an outbox: the failure is then only logged. */
  outbox: Outbox | undefined;
  /** The schedule the outbox drains with; its first wait delays the job. */
  schedule: RetrySchedule;
  /** Logger with the submission's ids. */
  log: Logger;
}

/**
 * Stores the association job of a live submission, due after the schedule's first wait. A failure
 * to store it is logged and not raised, because the lead itself is delivered.
 */
export async function storeAssociationJob(followUp: FollowUp, options: StoreAssociationJobOptions): Promise<void> {
  const { job, failure } = followUp;
  const { outbox, log } = options;
  if (outbox === undefined) {
    logUnassociatedCookie(log, job.leadId, failure, 'Without an outbox the proxy does not try again');
    return;
  }

  const delayMs = options.schedule.delayAfter(failure, 1, job.enqueuedAt);
  let stored: boolean;
  try {
    stored = await outbox.enqueue(job, { delayMs });
  } catch (error) {
    logUnassociatedCookie(log, job.leadId, failure, `Storing the association job failed (${describeFailure(error)})`);
    return;
  }

  if (!stored) {
    log.log('info', 'An outbox entry with this submissionId exists already, so no association job was added', { leadId: job.leadId });
    return;
  }
  log.log('warn', 'Associate Lead failed for now; the outbox keeps an association job for a later attempt', {
    leadId: job.leadId,
    delayMs,
    code: failure.code,
    faultCode: failure.faultCode,
    error: failure.message,
  });
}
