import { describe, expect, it } from 'vitest';

import { MarketoError } from '../errors.js';
import type { Logger } from '../log.js';
import type { FailedAssociationOutcome } from '../marketo/rest/associate-lead.js';
import type { SyncOutcome } from '../marketo/transport.js';
import { associationFollowUp, storeAssociationJob, type DeliveredSubmission } from './association-job.js';
import type { EnqueueOptions, FollowUp, Outbox, OutboxEntry } from './outbox.js';
import { createRetrySchedule } from './retry-schedule.js';

const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345';
const SUBMISSION: DeliveredSubmission = {
  submissionId: '00000000-0000-4000-8000-000000000001',
  formId: 'contact',
  lead: { email: 'ana@example.test', attributes: [], cookie: COOKIE },
};

const rateLimited = () => new MarketoError('Marketo Associate Lead failed: 606 Max rate limit exceeded.', { kind: 'rate', retryable: true, faultCode: 606 });
const invalidCookie = () => new MarketoError('Marketo Associate Lead failed: 1012 Invalid cookie value.', { kind: 'bad_request', retryable: false, faultCode: 1012 });

function failedOutcome(error: MarketoError): FailedAssociationOutcome {
  return { leadId: 1001, status: 'created', cookieAssociation: 'failed', associationError: error };
}

function recordingLogger(): { log: Logger; lines: Array<{ level: string; message: string; [key: string]: unknown }> } {
  const lines: Array<{ level: string; message: string }> = [];
  return { lines, log: { log: (level, message, fields) => lines.push({ level, message, ...fields }) } };
}

function recordingOutbox(enqueue: Outbox['enqueue'] = async () => true): Outbox & { calls: Array<[OutboxEntry, EnqueueOptions | undefined]> } {
  const calls: Array<[OutboxEntry, EnqueueOptions | undefined]> = [];
  return {
    calls,
    async enqueue(entry, options) {
      calls.push([entry, options]);
      return enqueue(entry, options);
    },
    enqueueDeadLetter: async () => true,
  };
}

describe('associationFollowUp', () => {
  it('returns a job for a retryable failure', () => {
    const { log, lines } = recordingLogger();
    const failure = rateLimited();

    const followUp = associationFollowUp(SUBMISSION, failedOutcome(failure), 5_000, log);

    expect(followUp).toEqual({
      job: { kind: 'associate', submissionId: SUBMISSION.submissionId, formId: 'contact', leadId: 1001, cookie: COOKIE, enqueuedAt: 5_000 },
      failure,
    });
    expect(lines).toEqual([]);
  });

  it('logs a non-retryable failure once and returns none', () => {
    const { log, lines } = recordingLogger();

    const followUp = associationFollowUp(SUBMISSION, failedOutcome(invalidCookie()), 5_000, log);

    expect(followUp).toBeUndefined();
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', message: expect.stringContaining('not retried'), leadId: 1001, faultCode: 1012, code: 'upstream_rejected' }),
    ]);
  });

  it.each<[string, SyncOutcome]>([
    ['an associated cookie', { leadId: 1001, status: 'updated', cookieAssociation: 'associated' }],
    ['a SOAP outcome', { leadId: 1001, status: 'updated' }],
    ['a Submit Form rejection without an error', { leadId: 1001, status: 'created', cookieAssociation: 'failed' }],
  ])('returns none for %s', (_case, outcome) => {
    const { log, lines } = recordingLogger();

    expect(associationFollowUp(SUBMISSION, outcome, 5_000, log)).toBeUndefined();
    expect(lines).toEqual([]);
  });
});

describe('storeAssociationJob', () => {
  const schedule = createRetrySchedule({ baseDelayMs: 30_000, random: () => 1 });
  const followUp = (): FollowUp => associationFollowUp(SUBMISSION, failedOutcome(rateLimited()), 5_000, recordingLogger().log)!;

  it('enqueues the job after the first backoff', async () => {
    const outbox = recordingOutbox();
    const { log, lines } = recordingLogger();
    const stored = followUp();

    await storeAssociationJob(stored, { outbox, schedule, log });

    expect(outbox.calls).toEqual([[stored.job, { delayMs: 30_000 }]]);
    expect(lines).toEqual([expect.objectContaining({ level: 'warn', leadId: 1001, delayMs: 30_000, faultCode: 606 })]);
  });

  it('logs an error without an outbox', async () => {
    const { log, lines } = recordingLogger();

    await storeAssociationJob(followUp(), { outbox: undefined, schedule, log });

    expect(lines).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('Without an outbox'), leadId: 1001, faultCode: 606 })]);
  });

  it('logs a failed write without raising it', async () => {
    const outbox = recordingOutbox(async () => {
      throw new Error('SQLITE_FULL: database or disk is full');
    });
    const { log, lines } = recordingLogger();

    await storeAssociationJob(followUp(), { outbox, schedule, log });

    expect(lines).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('SQLITE_FULL'), leadId: 1001 })]);
  });

  it('reports an entry that already exists', async () => {
    const outbox = recordingOutbox(async () => false);
    const { log, lines } = recordingLogger();

    await storeAssociationJob(followUp(), { outbox, schedule, log });

    expect(lines).toEqual([expect.objectContaining({ level: 'info', message: expect.stringContaining('exists already'), leadId: 1001 })]);
  });
});
