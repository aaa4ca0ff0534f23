/**
 * The durable outbox: work the proxy accepted but could not finish against Marketo yet. Node keeps
 * it in SQLite (`SqliteOutbox`), Workers in a Cloudflare Queue (`QueueOutbox`). Either way a drain
 * runs it later, oldest first, with the submissionId as the idempotency key, and entries that can
 * never succeed end up as dead letters.
 *
 * An entry is one of two kinds. A delivery entry is a submission that got `202 queued`. An
 * association job (`kind: 'associate'`) is a lead already in Marketo whose REST Associate Lead
 * call failed for a reason that can pass, so only that call is repeated. Sending the whole
 * submission again would work too, since Sync Leads is an upsert, but it would cost one more call
 * per attempt and could overwrite newer field values from a later form fill with older ones.
 */
import type { MarketoError } from '../errors.js';
import type { LeadSync } from '../marketo/transport.js';

/**
 * A submission waiting for delivery. It contains only what delivery needs: the lead as it will be
 * sent. Credentials, signatures and envelopes are made at send time and never stored.
 */
export interface DeliveryEntry {
  /** `deliver`, or absent: entries stored before association jobs existed have no kind. */
  kind?: 'deliver';
  /** The widget's UUID, the idempotency key of every delivery attempt. */
  submissionId: string;
  formId: string;
  lead: LeadSync;
  /** When the proxy accepted the submission, in ms since the epoch. */
  enqueuedAt: number;
}

/**
 * An association job: Marketo has the lead as `leadId`, but not yet the visitor's cookie, so its
 * anonymous history waits on the cookie's own anonymous lead.
 */
export interface AssociationEntry {
  kind: 'associate';
  /** The submission that delivered the lead. */
  submissionId: string;
  formId: string;
  leadId: number;
  /** The full `_mkto_trk` value, `id:<munchkin-id>&token:<token>`. */
  cookie: string;
  /** When the job was stored, in ms since the epoch. */
  enqueuedAt: number;
}

export type OutboxEntry = DeliveryEntry | AssociationEntry;

/** Fields a dead letter adds to its entry. */
export interface DeadLetterDetails {
  /**
   * Attempts made, the failed last one included. 0 when Cloudflare Queues moved the message to
   * the dead-letter queue, which does not report the count.
   */
  attempts: number;
  /** Error code and message of the last attempt, e-mail addresses masked. */
  lastError: string;
  /** When the outbox gave up, in ms since the epoch. */
  deadAt: number;
}

/** An entry that the outbox gave up on. An operator can replay or drop it. */
export type DeadLetter = OutboxEntry & DeadLetterDetails;

/** Returns the entry of a dead letter without its dead-letter details, to queue it again. */
export function entryOfDeadLetter(letter: DeadLetter): OutboxEntry {
  const { attempts, lastError, deadAt, ...entry } = letter;
  return entry;
}

export interface EnqueueOptions {
  /** Wait this long before the first attempt, in ms. Default 0. */
  delayMs?: number;
}

/** Durable storage for work the app cannot finish now. */
export interface Outbox {
  /**
   * Stores `entry` durably before returning. Returns false when an entry with the same
   * submissionId is already stored, so a resent submission is queued once.
   */
  enqueue(entry: OutboxEntry, options?: EnqueueOptions): Promise<boolean>;
  /**
   * Stores `letter` as a dead letter at once, for a submission Marketo rejected for a reason a
   * retry cannot fix, such as wrong credentials. The operator replays or drops it. Returns false
   * when an entry with the same submissionId is already stored.
   */
  enqueueDeadLetter(letter: DeadLetter): Promise<boolean>;
}

/** A stored entry handed to a drain, with the attempts made so far. */
export type ClaimedEntry = OutboxEntry & { attempts: number };

/** An association job that replaces the delivery entry it came from, due at `nextAttemptAt`. */
export interface ScheduledFollowUp {
  entry: AssociationEntry;
  /** In ms since the epoch. */
  nextAttemptAt: number;
}

/** An outbox a drain can empty: `SqliteOutbox` on Node. Times are ms since the epoch. */
export interface DrainableOutbox extends Outbox {
  /**
   * Returns up to `limit` pending entries due at `now`, oldest first, and leases them for
   * `leaseMs`, so a second drain running at the same time skips them.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedEntry[]>;
  /**
   * Removes a delivered entry. With `followUp`, which has the same submissionId, the entry is
   * replaced by that association job in one write, so a crash cannot lose the job.
   */
  markDelivered(submissionId: string, followUp?: ScheduledFollowUp): Promise<void>;
  /** Records a failed attempt and when to try again. */
  markRetry(submissionId: string, failure: { attempts: number; nextAttemptAt: number; lastError: string }): Promise<void>;
  /** Turns the entry into a dead letter. */
  markDead(submissionId: string, failure: { attempts: number; deadAt: number; lastError: string }): Promise<void>;
  /** Ends the lease of entries claimed but not attempted, so the next drain takes them first. */
  release(submissionIds: readonly string[]): Promise<void>;
  stats(): Promise<OutboxStats>;
}

/** Dead letters, as the admin routes list, replay and drop them. */
export interface DeadLetterStore {
  /** Returns up to `limit` dead letters, oldest first. */
  listDeadLetters(limit: number): Promise<DeadLetter[]>;
  /** Queues a dead letter for delivery again with a fresh attempt count; false when not found. */
  replayDeadLetter(submissionId: string): Promise<boolean>;
  /** Deletes a dead letter for good; false when not found. */
  dropDeadLetter(submissionId: string): Promise<boolean>;
}

/** Counts an operator can watch. Outboxes that cannot count pending entries (Queues) omit them. */
export interface OutboxStats {
  pending?: number;
  dead: number;
  /** Acceptance time of the oldest pending entry, in ms since the epoch, when there is one. */
  oldestPendingAt?: number;
}

/**
 * Follow-up work of a delivered entry: the association job for a lead whose Associate Lead call
 * failed temporarily, and that failure, which sets the job's first delay.
 */
export interface FollowUp {
  job: AssociationEntry;
  failure: MarketoError;
}

/**
 * Runs one stored entry against Marketo with its submissionId as the idempotency key: a delivery
 * entry sends the lead, an association job the cookie. Resolves when that is done, with the
 * association job a delivered lead still needs, if any. Rejects with a `LeadsyncError` whose
 * `retryable` flag is true when a later attempt can succeed.
 */
export type DeliverEntry = (entry: OutboxEntry) => Promise<FollowUp | undefined>;
