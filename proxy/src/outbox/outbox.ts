/**
 * The durable outbox: submissions the proxy accepted (`202 queued`) but could not deliver to
 * Marketo yet. Node keeps them in SQLite (`SqliteOutbox`), Workers in a Cloudflare Queue
 * (`QueueOutbox`). Either way a drain delivers them later, oldest first, with the submissionId as
 * the idempotency key, and entries that can never be delivered end up as dead letters.
 */
import type { LeadSync } from '../marketo/transport.js';

/**
 * A submission waiting for delivery. It contains only what delivery needs: the lead as it will be
 * sent. Credentials, signatures and envelopes are made at send time and never stored.
 */
export interface OutboxEntry {
  /** The widget's UUID, the idempotency key of every delivery attempt. */
  submissionId: string;
  formId: string;
  lead: LeadSync;
  /** When the proxy accepted the submission, in ms since the epoch. */
  enqueuedAt: number;
}

/** An entry that delivery gave up on. An operator can replay or drop it. */
export interface DeadLetter extends OutboxEntry {
  /**
   * Delivery attempts made, the failed last one included. 0 when Cloudflare Queues moved the
   * message to the dead-letter queue, which does not report the count.
   */
  attempts: number;
  /** Error code and message of the last attempt, e-mail addresses masked. */
  lastError: string;
  /** When delivery gave up, in ms since the epoch. */
  deadAt: number;
}

/** Durable storage for submissions the app cannot deliver now. */
export interface Outbox {
  /**
   * Stores `entry` durably before returning. Returns false when an entry with the same
   * submissionId is already stored, so a resent submission is queued once.
   */
  enqueue(entry: OutboxEntry): Promise<boolean>;
  /**
   * Stores `letter` as a dead letter at once, for a submission Marketo rejected for a reason a
   * retry cannot fix, such as wrong credentials. The operator replays or drops it. Returns false
   * when an entry with the same submissionId is already stored.
   */
  enqueueDeadLetter(letter: DeadLetter): Promise<boolean>;
}

/** A stored entry handed to a drain, with the attempts made so far. */
export interface ClaimedEntry extends OutboxEntry {
  attempts: number;
}

/** An outbox a drain can empty: `SqliteOutbox` on Node. Times are ms since the epoch. */
export interface DrainableOutbox extends Outbox {
  /**
   * Returns up to `limit` pending entries due at `now`, oldest first, and leases them for
   * `leaseMs`, so a second drain running at the same time skips them.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedEntry[]>;
  /** Removes a delivered entry. */
  markDelivered(submissionId: string): Promise<void>;
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
 * Sends one stored submission to Marketo with its submissionId as the idempotency key. Resolves
 * when the lead is in Marketo; rejects with a `LeadsyncError` whose `retryable` flag is true when
 * a later attempt can succeed.
 */
export type DeliverEntry = (entry: OutboxEntry) => Promise<unknown>;
