import { ConfigError } from '../errors.js';
import type { SqliteDatabase } from './sqlite-outbox.js';

/** One schema step: SQL to run, or a function for a step that must inspect the table first. */
type Migration = string | ((database: SqliteDatabase) => void);

/**
 * The outbox table's migrations, oldest first. Migration `n` brings a database from schema
 * version `n` to `n + 1`, and `PRAGMA user_version` stores the version reached. Files written by
 * an earlier proxy are migrated when they are opened. A released migration must keep producing
 * the same schema, because files may already be at its version.
 *
 * Every migration must also succeed on a file that already has its changes. An older proxy that
 * opens a newer file can set `user_version` back to its own version (the schema-1 proxy sets 1
 * on a version 2 file), and the next upgrade then runs the later migrations again.
 */
const MIGRATIONS: readonly Migration[] = [
  // 1: delivery entries and their dead letters, which differ in `state`.
  `
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
  `,
  // 2: association jobs beside delivery entries. `payload` is the lead of a delivery entry, or
  // `{"leadId", "cookie"}` of an association job.
  (database) => {
    const columns = readColumnNames(database);
    if (!columns.has('kind')) {
      database.exec(`ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'deliver' CHECK (kind IN ('deliver', 'associate'))`);
    }
    if (columns.has('lead') && !columns.has('payload')) database.exec('ALTER TABLE outbox RENAME COLUMN lead TO payload');
  },
];

/** Schema version that this proxy reads and writes. */
export const OUTBOX_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Creates the outbox table or migrates it to `OUTBOX_SCHEMA_VERSION`, in one `BEGIN IMMEDIATE`
 * transaction, so two processes opening the same file migrate it once. Throws a `ConfigError`
 * when the file has a newer schema than this proxy reads.
 */
export function migrateOutboxSchema(database: SqliteDatabase, path: string): void {
  database.exec('BEGIN IMMEDIATE');
  try {
    const version = readUserVersion(database);
    if (version > OUTBOX_SCHEMA_VERSION) {
      throw new ConfigError(
        'LEADSYNC_OUTBOX_PATH',
        `The outbox database ${path} has schema version ${version}, but this proxy reads version ${OUTBOX_SCHEMA_VERSION} at most. ` +
          'Run the newer proxy version that wrote it, or set LEADSYNC_OUTBOX_PATH to another file.',
      );
    }

    for (const migration of MIGRATIONS.slice(version)) {
      if (typeof migration === 'string') database.exec(migration);
      else migration(database);
    }
    database.exec(`PRAGMA user_version = ${OUTBOX_SCHEMA_VERSION}`);
    database.exec('COMMIT');
  } catch (error) {
    database.exec('ROLLBACK');
    throw error;
  }
}

function readUserVersion(database: SqliteDatabase): number {
  const row = database.prepare('PRAGMA user_version').get() as { user_version: number | bigint };
  return Number(row.user_version);
}

function readColumnNames(database: SqliteDatabase): Set<string> {
  const rows = database.prepare('PRAGMA table_info(outbox)').all() as Array<{ name: string }>;
  return new Set(rows.map((row) => row.name));
}
