import Database from 'better-sqlite3';

import { createJsonLogger, type Logger } from '../log.js';
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
import { kindOf, payloadOf, readDeadLetterRow, readRow, type OutboxRow } from './outbox-row.js';
import { openOutboxDatabase } from './open-outbox-database.js';

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
  /** Receives an error line for each entry whose payload cannot be read. Default: JSON lines on stdout. */
  log?: Logger;
}

/** A pending entry as `listPending` returns it, with its retry state. Times are in ms since the epoch. */
export type PendingEntry = OutboxEntry & {
  /** Failed attempts so far. */
  attempts: number;
  /** Earliest time a drain may claim the entry. */
  nextAttemptAt: number;
  /** End of the lease of the drain that claimed the entry: 0, or a past time, when no drain has it leased. */
  leaseUntil: number;
  /** Error code and message of the last failed attempt, or '' before the first failure. */
  lastError: string;
};

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

/**
 * The Node outbox: one SQLite table through better-sqlite3. Pending entries and dead letters
 * share the table and differ in `state`; delivery entries and association jobs differ in `kind`.
 * Opening a file written by an earlier version migrates its schema (`sqlite-outbox-schema.ts`).
 * A file that cannot be opened raises a `ConfigError` naming `LEADSYNC_OUTBOX_PATH`.
 *
 * Every write is committed before its method returns, in WAL mode with `synchronous = FULL`, so
 * an entry that `enqueue` accepted survives a crash of the process or of the machine.
 */
export class SqliteOutbox implements DrainableOutbox, DeadLetterStore {
  readonly #database: SqliteDatabase;
  readonly #now: () => number;
  readonly #log: Logger;
  /** The database file, as given. */
  readonly path: string;

  constructor(options: SqliteOutboxOptions) {
    this.path = options.path;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? createJsonLogger();
    this.#database = openOutboxDatabase(options.path, options.open ?? openBetterSqlite);
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

  /**
   * Leases up to `limit` due entries. A due row whose payload cannot be read becomes a dead letter
   * in the same transaction, with the problem as `lastError` and one error log line, so it cannot
   * hold back the entries behind it.
   */
  async claimDue(now: number, limit: number, leaseMs: number): Promise<ClaimedEntry[]> {
    const { claimed, invalid } = this.#immediateTransaction(() => this.#claimRows(now, limit, leaseMs));

    for (const { row, problem } of invalid) {
      this.#log.log('error', 'Outbox entry has an invalid payload and became a dead letter', {
        submissionId: row.submission_id,
        formId: row.form_id,
        kind: row.kind,
        attempts: row.attempts,
        error: problem,
      });
    }
    return claimed;
  }

  #claimRows(now: number, limit: number, leaseMs: number): { claimed: ClaimedEntry[]; invalid: InvalidRow[] } {
    const selectDue = this.#database.prepare(
      `SELECT * FROM outbox
       WHERE state = 'pending' AND next_attempt_at <= ? AND lease_until <= ?
       ORDER BY enqueued_at, rowid LIMIT ?`,
    );
    const lease = this.#database.prepare('UPDATE outbox SET lease_until = ? WHERE submission_id = ?');
    const markInvalid = this.#database.prepare(`UPDATE outbox SET state = 'dead', dead_at = ?, last_error = ?, lease_until = 0 WHERE submission_id = ?`);
    const claimed: ClaimedEntry[] = [];
    const invalid: InvalidRow[] = [];

    // Invalid rows leave the pending state at once, so selecting again fills the batch with the
    // rows behind them. A batch of only invalid rows must not end the drain as if nothing were due.
    for (;;) {
      const due = selectDue.all(now, now, limit - claimed.length) as OutboxRow[];
      if (due.length === 0) return { claimed, invalid };

      for (const row of due) {
        const read = readRow(row);
        if ('problem' in read) {
          markInvalid.run(now, read.problem, row.submission_id);
          invalid.push({ row, problem: read.problem });
          continue;
        }
        lease.run(now + leaseMs, row.submission_id);
        claimed.push({ ...read.entry, attempts: row.attempts });
      }
      if (claimed.length >= limit) return { claimed, invalid };
    }
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

  /** Returns up to `limit` dead letters, oldest first. A row with an unreadable payload is listed as `readDeadLetterRow` describes. */
  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    const rows = this.#database.prepare(`SELECT * FROM outbox WHERE state = 'dead' ORDER BY dead_at, rowid LIMIT ?`).all(limit) as OutboxRow[];
    return rows.map(readDeadLetterRow);
  }

  /**
   * Returns up to `limit` pending entries, oldest first, and changes no row. A row with an
   * unreadable payload is listed as `readDeadLetterRow` describes, until a drain dead-letters it.
   */
  async listPending(limit: number): Promise<PendingEntry[]> {
    const rows = this.#database.prepare(`SELECT * FROM outbox WHERE state = 'pending' ORDER BY enqueued_at, rowid LIMIT ?`).all(limit) as PendingRow[];
    return rows.map((row) => {
      const { deadAt, ...entry } = readDeadLetterRow(row);
      return { ...entry, nextAttemptAt: row.next_attempt_at, leaseUntil: row.lease_until };
    });
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

/** A pending row, with the retry columns that `OutboxRow` leaves out. */
type PendingRow = OutboxRow & { next_attempt_at: number; lease_until: number };

/** A due row whose payload cannot be read, with the problem. */
interface InvalidRow {
  row: OutboxRow;
  problem: string;
}
