import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import type { LeadSync } from '../marketo/transport.js';
import type {
  ClaimedEntry,
  DeadLetter,
  DeadLetterStore,
  DrainableOutbox,
  EnqueueOptions,
  OutboxEntry,
  OutboxStats,
  ScheduledFollowUp,
} from './outbox.js';
import { migrateOutboxSchema } from './sqlite-outbox-schema.js';

export interface SqliteOutboxOptions {
  /** Database file; its directory is created. `:memory:` keeps nothing across restarts (tests only). */
  path: string;
  /**
   * Opens the database file. Default: better-sqlite3, which Node loads; Deno passes
   * `node:sqlite` and Bun `bun:sqlite`, which have the same synchronous API.
   */
  open?: (path: string) => SqliteDatabase;
  /** Clock in ms since the epoch, for replays. Default `Date.now`. */
  now?: () => number;
}

/** Values the outbox binds to statements. */
export type SqliteValue = string | number | null;

/** The part of a synchronous SQLite driver the outbox uses: better-sqlite3, `bun:sqlite` and `node:sqlite` all have it. */
export interface SqliteDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): SqliteStatement;
  close(): unknown;
}

export interface SqliteStatement {
  run(...params: SqliteValue[]): { changes: number | bigint };
  all(...params: SqliteValue[]): unknown[];
  /** One row; undefined (better-sqlite3, node:sqlite) or null (bun:sqlite) when there is none. */
  get(...params: SqliteValue[]): unknown;
}

interface OutboxRow {
  submission_id: string;
  kind: 'deliver' | 'associate';
  form_id: string;
  /** JSON: the lead of a delivery entry, `AssociationPayload` of an association job. */
  payload: string;
  enqueued_at: number;
  attempts: number;
  last_error: string | null;
  dead_at: number | null;
}

/** The `payload` column of an association job. */
interface AssociationPayload {
  leadId: number;
  cookie: string;
}

/**
 * The Node outbox: one SQLite table through better-sqlite3. Pending entries and dead letters
 * share the table and differ in `state`; delivery entries and association jobs differ in `kind`.
 * Opening a file written by an earlier version migrates its schema (`sqlite-outbox-schema.ts`).
 *
 * Every write is committed before its method returns, in WAL mode with `synchronous = FULL`, so
 * an entry that `enqueue` accepted survives a crash of the process or of the machine.
 */
export class SqliteOutbox implements DrainableOutbox, DeadLetterStore {
  readonly #database: SqliteDatabase;
  readonly #now: () => number;
  /** The database file, as given. */
  readonly path: string;

  constructor(options: SqliteOutboxOptions) {
    this.path = options.path;
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.#database = (options.open ?? openBetterSqlite)(options.path);
    this.#now = options.now ?? Date.now;

    this.#database.exec('PRAGMA journal_mode = WAL');
    this.#database.exec('PRAGMA synchronous = FULL');
    // Another process (the outbox CLI) may hold the write lock for a moment.
    this.#database.exec('PRAGMA busy_timeout = 5000');
    migrateOutboxSchema(this.#database, options.path);
  }

  async enqueue(entry: OutboxEntry, options: EnqueueOptions = {}): Promise<boolean> {
    const result = this.#database
      .prepare(
        `INSERT INTO outbox (submission_id, kind, form_id, payload, enqueued_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (submission_id) DO NOTHING`,
      )
      .run(entry.submissionId, kindOf(entry), entry.formId, payloadOf(entry), entry.enqueuedAt, entry.enqueuedAt + (options.delayMs ?? 0));
    return Number(result.changes) === 1;
  }

  async enqueueDeadLetter(letter: DeadLetter): Promise<boolean> {
    const result = this.#database
      .prepare(
        `INSERT INTO outbox (submission_id, kind, form_id, payload, enqueued_at, next_attempt_at, state, attempts, last_error, dead_at)
         VALUES (?, ?, ?, ?, ?, ?, 'dead', ?, ?, ?) ON CONFLICT (submission_id) DO NOTHING`,
      )
      .run(
        letter.submissionId,
        kindOf(letter),
        letter.formId,
        payloadOf(letter),
        letter.enqueuedAt,
        letter.enqueuedAt,
        letter.attempts,
        letter.lastError,
        letter.deadAt,
      );
    return Number(result.changes) === 1;
  }

  async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedEntry[]> {
    const rows = this.#immediateTransaction(() => {
      const due = this.#database
        .prepare(
          `SELECT * FROM outbox
           WHERE state = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
           ORDER BY enqueued_at, rowid LIMIT ?`,
        )
        .all(now, now, limit) as OutboxRow[];

      const lease = this.#database.prepare('UPDATE outbox SET lease_until = ? WHERE submission_id = ?');
      for (const row of due) lease.run(now + leaseMs, row.submission_id);
      return due;
    });

    return rows.map((row) => ({ ...toEntry(row), attempts: row.attempts }));
  }

  async markDelivered(submissionId: string, followUp?: ScheduledFollowUp): Promise<void> {
    if (followUp === undefined) {
      this.#database.prepare('DELETE FROM outbox WHERE submission_id = ?').run(submissionId);
      return;
    }

    const { entry, nextAttemptAt } = followUp;
    if (entry.submissionId !== submissionId) {
      throw new Error(`A follow-up replaces the entry with its own submissionId; expected ${submissionId}, got ${entry.submissionId}.`);
    }
    this.#database
      .prepare(
        `UPDATE outbox SET kind = ?, form_id = ?, payload = ?, enqueued_at = ?, state = 'pending', attempts = 0,
           next_attempt_at = ?, lease_until = 0, last_error = NULL, dead_at = NULL
         WHERE submission_id = ?`,
      )
      .run(kindOf(entry), entry.formId, payloadOf(entry), entry.enqueuedAt, nextAttemptAt, submissionId);
  }

  async markRetry(submissionId: string, failure: { attempts: number; nextAttemptAt: number; lastError: string }): Promise<void> {
    this.#database
      .prepare('UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, lease_until = 0 WHERE submission_id = ?')
      .run(failure.attempts, failure.nextAttemptAt, failure.lastError, submissionId);
  }

  async markDead(submissionId: string, failure: { attempts: number; deadAt: number; lastError: string }): Promise<void> {
    this.#database
      .prepare(`UPDATE outbox SET state = 'dead', attempts = ?, dead_at = ?, last_error = ?, lease_until = 0 WHERE submission_id = ?`)
      .run(failure.attempts, failure.deadAt, failure.lastError, submissionId);
  }

  async release(submissionIds: readonly string[]): Promise<void> {
    const release = this.#database.prepare('UPDATE outbox SET lease_until = 0 WHERE submission_id = ?');
    this.#immediateTransaction(() => {
      for (const submissionId of submissionIds) release.run(submissionId);
    });
  }

  async stats(): Promise<OutboxStats> {
    const row = this.#database
      .prepare(
        `SELECT
           COUNT(*) FILTER (WHERE state = 'pending') AS pending,
           COUNT(*) FILTER (WHERE state = 'dead') AS dead,
           MIN(enqueued_at) FILTER (WHERE state = 'pending') AS oldest
         FROM outbox`,
      )
      .get() as { pending: number; dead: number; oldest: number | null };

    return { pending: row.pending, dead: row.dead, ...(row.oldest !== null && { oldestPendingAt: row.oldest }) };
  }

  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    const rows = this.#database.prepare(`SELECT * FROM outbox WHERE state = 'dead' ORDER BY dead_at, rowid LIMIT ?`).all(limit) as OutboxRow[];
    return rows.map(toDeadLetter);
  }

  async replayDeadLetter(submissionId: string): Promise<boolean> {
    const result = this.#database
      .prepare(
        `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, dead_at = NULL, lease_until = 0
         WHERE submission_id = ? AND state = 'dead'`,
      )
      .run(this.#now(), submissionId);
    return Number(result.changes) === 1;
  }

  async dropDeadLetter(submissionId: string): Promise<boolean> {
    const result = this.#database.prepare(`DELETE FROM outbox WHERE submission_id = ? AND state = 'dead'`).run(submissionId);
    return Number(result.changes) === 1;
  }

  close(): void {
    this.#database.close();
  }

  /**
   * Runs `work` in a `BEGIN IMMEDIATE` transaction, which takes the write lock at once, so two
   * processes cannot claim the same entries between their read and their write.
   */
  #immediateTransaction<T>(work: () => T): T {
    this.#database.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.#database.exec('COMMIT');
      return result;
    } catch (error) {
      this.#database.exec('ROLLBACK');
      throw error;
    }
  }
}

function openBetterSqlite(path: string): SqliteDatabase {
  return new Database(path);
}

function kindOf(entry: OutboxEntry): OutboxRow['kind'] {
  return entry.kind === 'associate' ? 'associate' : 'deliver';
}

function payloadOf(entry: OutboxEntry): string {
  if (entry.kind === 'associate') {
    const payload: AssociationPayload = { leadId: entry.leadId, cookie: entry.cookie };
    return JSON.stringify(payload);
  }
  return JSON.stringify(entry.lead);
}

function toEntry(row: OutboxRow): OutboxEntry {
  const ids = { submissionId: row.submission_id, formId: row.form_id, enqueuedAt: row.enqueued_at };
  if (row.kind === 'associate') {
    const { leadId, cookie } = JSON.parse(row.payload) as AssociationPayload;
    return { kind: 'associate', ...ids, leadId, cookie };
  }
  return { ...ids, lead: JSON.parse(row.payload) as LeadSync };
}

function toDeadLetter(row: OutboxRow): DeadLetter {
  return {
    ...toEntry(row),
    attempts: row.attempts,
    lastError: row.last_error ?? '',
    deadAt: row.dead_at ?? 0,
  };
}
