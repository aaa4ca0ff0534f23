import { QuotaPausedError, sentNothing } from '../errors.js';
import type { Logger } from '../log.js';
import type { ClaimedEntry, DeliverEntry, DrainableOutbox, FollowUp } from './outbox.js';
import { createRetrySchedule, describeFailure, type RetrySchedule } from './retry-schedule.js';

export interface DrainOptions {
  outbox: DrainableOutbox;
  deliver: DeliverEntry;
  log: Logger;
  /** Default: `createRetrySchedule()`, 10 attempts with backoff from 30 s to 1 h. */
  schedule?: RetrySchedule;
  /** Entries claimed per round. Default 25. */
  batchSize?: number;
  /**
   * How long a claimed entry stays hidden from other drains, in ms. Longer than one delivery with
   * all its retries. Default 5 min.
   */
  leaseMs?: number;
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Ends the run after the entry at hand and releases the rest of its batch, e.g. at shutdown. */
  signal?: AbortSignal;
}

/** Counts of one drain run. */
export interface DrainReport {
  delivered: number;
  retried: number;
  dead: number;
}

const DEFAULT_BATCH_SIZE = 25;
const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * Runs the due entries of the outbox one at a time, oldest first, until none is due.
 *
 * A delivered entry is removed, or replaced by the association job its delivery left. After a
 * retryable failure the entry is scheduled again and the run ends, because Marketo is most
 * likely still unavailable for the entries behind it. Those keep their place and go first in the
 * next run. A failure that cannot succeed later turns the entry into a dead letter, and the run
 * goes on.
 */
export async function drainOutbox(options: DrainOptions): Promise<DrainReport> {
  const settings = withDefaults(options);
  const report: DrainReport = { delivered: 0, retried: 0, dead: 0 };

  for (;;) {
    if (settings.signal?.aborted) return report;
    const batch = await settings.outbox.claimDue(settings.now(), settings.batchSize, settings.leaseMs);
    if (batch.length === 0) return report;

    for (const [index, entry] of batch.entries()) {
      let outcome: keyof DrainReport;
      try {
        outcome = await deliverEntry(entry, settings);
      } catch (error) {
        // The outbox itself failed (a write, a full disk). Releasing the claim keeps the rest of
        // the batch from waiting out its lease. The current entry is sent again with the same
        // submissionId, so at worst Marketo receives the same lead twice.
        await settings.outbox.release(batch.slice(index).map((rest) => rest.submissionId)).catch(() => undefined);
        throw error;
      }
      report[outcome] += 1;

      if (outcome === 'retried' || settings.signal?.aborted) {
        await settings.outbox.release(batch.slice(index + 1).map((rest) => rest.submissionId));
        return report;
      }
    }
  }
}

type Settings = Required<Omit<DrainOptions, 'schedule' | 'signal'>> & Pick<DrainOptions, 'signal'> & { schedule: RetrySchedule };

function withDefaults(options: DrainOptions): Settings {
  return {
    ...options,
    schedule: options.schedule ?? createRetrySchedule(),
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
    now: options.now ?? Date.now,
  };
}

async function deliverEntry(entry: ClaimedEntry, settings: Settings): Promise<keyof DrainReport> {
  const { outbox, log, schedule } = settings;
  const ids = { submissionId: entry.submissionId, formId: entry.formId, kind: entry.kind ?? 'deliver' };
  let followUp: FollowUp | undefined;

  try {
    followUp = await settings.deliver(entry);
  } catch (error) {
    const lastError = describeFailure(error);
    const now = settings.now();

    // Nothing reached Marketo: the proxy's own calls filled its limits, or the quota pause stops
    // every call. Neither is a failed attempt, so a long backlog or a spent quota cannot turn
    // entries into dead letters. A paused entry waits for the reset, a slot wait a few seconds.
    if (sentNothing(error)) {
      const waitMs = error instanceof QuotaPausedError ? schedule.delayAfter(error, entry.attempts + 1, now) : (error.retryAfterSeconds ?? 1) * 1000;
      const nextAttemptAt = now + waitMs;
      await outbox.markRetry(entry.submissionId, { attempts: entry.attempts, nextAttemptAt, lastError });
      log.log('info', 'Outbox delivery sent nothing to Marketo; retrying later without counting an attempt', {
        ...ids,
        attempts: entry.attempts,
        nextAttemptAt: new Date(nextAttemptAt).toISOString(),
        code: error instanceof QuotaPausedError ? 'quota_paused' : 'no_call_slot',
      });
      return 'retried';
    }

    const attempts = entry.attempts + 1;
    const decision = schedule.decide(error, attempts, now);

    if (decision.action === 'dead') {
      await outbox.markDead(entry.submissionId, { attempts, deadAt: now, lastError });
      log.log('error', 'Outbox entry became a dead letter', { ...ids, attempts, error: lastError });
      return 'dead';
    }

    const nextAttemptAt = now + decision.delayMs;
    await outbox.markRetry(entry.submissionId, { attempts, nextAttemptAt, lastError });
    log.log('warn', 'Outbox delivery failed; retrying later', { ...ids, attempts, nextAttemptAt: new Date(nextAttemptAt).toISOString(), error: lastError });
    return 'retried';
  }

  const now = settings.now();
  const delivered = { ...ids, attempts: entry.attempts + 1, waitedMs: now - entry.enqueuedAt };
  if (followUp === undefined) {
    await outbox.markDelivered(entry.submissionId);
    log.log('info', 'Outbox entry delivered', delivered);
    return 'delivered';
  }

  const nextAttemptAt = now + schedule.delayAfter(followUp.failure, 1, now);
  await outbox.markDelivered(entry.submissionId, { entry: followUp.job, nextAttemptAt });
  log.log('info', 'Outbox entry delivered', delivered);
  log.log('warn', 'Associate Lead failed for now; the outbox keeps an association job for a later attempt', {
    ...ids,
    leadId: followUp.job.leadId,
    nextAttemptAt: new Date(nextAttemptAt).toISOString(),
    error: describeFailure(followUp.failure),
  });
  return 'delivered';
}

export interface OutboxDrainTimerOptions extends DrainOptions {
  /** Pause between the end of one run and the start of the next, in ms. */
  intervalMs: number;
}

export interface OutboxDrainTimer {
  /** Runs a drain now, or waits for the run in progress. */
  drainNow(): Promise<DrainReport>;
  /** Stops the timer, ends a run in progress after its current entry and waits for it. */
  stop(): Promise<void>;
}

/**
 * Drains the outbox every `intervalMs` on Node. Runs never overlap, and a failing run is logged
 * and retried at the next tick. The timer does not keep the process alive.
 */
export function startOutboxDrain(options: OutboxDrainTimerOptions): OutboxDrainTimer {
  let running: Promise<DrainReport> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const stopping = new AbortController();

  const run = (): Promise<DrainReport> => {
    running ??= drainOutbox({ ...options, signal: stopping.signal })
      .then((report) => {
        if (report.delivered + report.retried + report.dead > 0) options.log.log('info', 'Outbox drain finished', { ...report });
        return report;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  const tick = () => {
    run()
      .catch((error: unknown) => options.log.log('error', `Outbox drain failed: ${describeFailure(error)}`))
      .finally(schedule);
  };

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(tick, options.intervalMs);
    timer.unref?.();
  }

  schedule();

  return {
    drainNow: run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      stopping.abort();
      await running?.catch(() => undefined);
    },
  };
}
