import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import type { LeadSync } from '../marketo/transport.js';
import type { ClaimedEntry, DeadLetter, DeadLetterStore, DrainableOutbox, OutboxEntry, OutboxStats } from './outbox.js';

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
  form_id: string;
  lead: string;
  enqueued_at: number;
  attempts: number;
  last_error: string | null;
  dead_at: number | null;
}

// Version of the schema below, kept in `PRAGMA user_version` for later migrations.
const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS outbox (
    submission_id   TEXT PRIMARY KEY,
    form_id         TEXT NOT NULL,
    lead            TEXT NOT NULL,
    enqueued_at     INTEGER NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    dead_at         INTEGER
  ) STRICT;
  CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at, enqueued_at);
`;

/**
 * The Node outbox: one SQLite table through better-sqlite3. Pending entries and dead letters
 * share the table and differ in `state`.
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
    this.#database.exec(SCHEMA);
    this.#database.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  }

  async enqueue(entry: OutboxEntry): Promise<boolean> {
    const result = this.#database
      .prepare(
        `INSERT INTO outbox (submission_id, form_id, lead, enqueued_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT (submission_id) DO NOTHING`,
      )
      .run(entry.submissionId, entry.formId, JSON.stringify(entry.lead), entry.enqueuedAt, entry.enqueuedAt);
    return Number(result.changes) === 1;
  }

  async enqueueDeadLetter(letter: DeadLetter): Promise<boolean> {
    const result = this.#database
      .prepare(
        `INSERT INTO outbox (submission_id, form_id, lead, enqueued_at, next_attempt_at, state, attempts, last_error, dead_at)
         VALUES (?, ?, ?, ?, ?, 'dead', ?, ?, ?) ON CONFLICT (submission_id) DO NOTHING`,
      )
      .run(
        letter.submissionId,
        letter.formId,
        JSON.stringify(letter.lead),
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

  async markDelivered(submissionId: string): Promise<void> {
    this.#database.prepare('DELETE FROM outbox WHERE submission_id = ?').run(submissionId);
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

function toEntry(row: OutboxRow): OutboxEntry {
  return {
    submissionId: row.submission_id,
    formId: row.form_id,
    lead: JSON.parse(row.lead) as LeadSync,
    enqueuedAt: row.enqueued_at,
  };
}

function toDeadLetter(row: OutboxRow): DeadLetter {
  return {
    ...toEntry(row),
    attempts: row.attempts,
    lastError: row.last_error ?? '',
    deadAt: row.dead_at ?? 0,
  };
}
