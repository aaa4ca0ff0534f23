import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import type { AssociationEntry } from './outbox.js';
import { ConfigError } from '../errors.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { OUTBOX_SCHEMA_VERSION } from './sqlite-outbox-schema.js';

/**
 * Outbox files written before association jobs existed (schema version 1) must open, keep their
 * entries and dead letters, and take association jobs afterwards.
 */

// The statements of the schema-1 proxy, copied from it unchanged.
const VERSION_1_SCHEMA = `
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
const VERSION_1_ENQUEUE = `INSERT INTO outbox (submission_id, form_id, lead, enqueued_at, next_attempt_at)
  VALUES (?, ?, ?, ?, ?) ON CONFLICT (submission_id) DO NOTHING`;
const VERSION_1_MARK_DEAD = `UPDATE outbox SET state = 'dead', attempts = ?, dead_at = ?, last_error = ?, lease_until = 0 WHERE submission_id = ?`;

const PENDING_ID = '00000000-0000-4000-8000-000000000001';
const DEAD_ID = '00000000-0000-4000-8000-000000000002';
const PENDING_LEAD = { email: 'ana@example.test', attributes: [{ name: 'FirstName', value: 'Zoë' }], cookie: 'id:123-ABC-456&token:_mch-example.test-1-1' };
const DEAD_LEAD = { email: 'bo@example.test', attributes: [] };

const directories: string[] = [];

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function databasePath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'leadsync-outbox-schema-'));
  directories.push(directory);
  return join(directory, 'outbox.sqlite');
}

/** Writes a file as the schema-1 proxy did: one pending entry and one dead letter. */
function writeVersion1File(path: string, userVersion = 1): void {
  const database = new Database(path);
  database.exec('PRAGMA journal_mode = WAL');
  database.exec(VERSION_1_SCHEMA);
  database.exec(`PRAGMA user_version = ${userVersion}`);
  database.prepare(VERSION_1_ENQUEUE).run(PENDING_ID, 'contact', JSON.stringify(PENDING_LEAD), 1_000, 1_000);
  database.prepare(VERSION_1_ENQUEUE).run(DEAD_ID, 'contact', JSON.stringify(DEAD_LEAD), 2_000, 2_000);
  database.prepare(VERSION_1_MARK_DEAD).run(10, 9_000, 'upstream_unavailable: down', DEAD_ID);
  database.close();
}

function setUserVersion(path: string, version: number): void {
  const database = new Database(path);
  database.exec(`PRAGMA user_version = ${version}`);
  database.close();
}

function readSchema(path: string): { version: number; columns: string[] } {
  const database = new Database(path, { readonly: true });
  const version = database.pragma('user_version', { simple: true }) as number;
  const columns = (database.prepare('SELECT name FROM pragma_table_info(?)').all('outbox') as Array<{ name: string }>).map((row) => row.name);
  database.close();
  return { version, columns };
}

describe('SqliteOutbox schema migration', () => {
  it('opens a version 1 file with its entries', async () => {
    const path = databasePath();
    writeVersion1File(path);

    const outbox = new SqliteOutbox({ path });
    const claimed = await outbox.claimDue(5_000, 10, 60_000);
    const letters = await outbox.listDeadLetters(10);
    outbox.close();

    expect(claimed).toEqual([{ submissionId: PENDING_ID, formId: 'contact', lead: PENDING_LEAD, enqueuedAt: 1_000, attempts: 0 }]);
    expect(letters).toEqual([
      { submissionId: DEAD_ID, formId: 'contact', lead: DEAD_LEAD, enqueuedAt: 2_000, attempts: 10, deadAt: 9_000, lastError: 'upstream_unavailable: down' },
    ]);
  });

  it('migrates a version 1 file to the current schema', () => {
    const path = databasePath();
    writeVersion1File(path);

    new SqliteOutbox({ path }).close();
    const schema = readSchema(path);

    expect(schema.version).toBe(OUTBOX_SCHEMA_VERSION);
    expect(schema.columns).toContain('kind');
    expect(schema.columns).toContain('payload');
    expect(schema.columns).not.toContain('lead');
  });

  it('stores association jobs in a migrated file', async () => {
    const path = databasePath();
    writeVersion1File(path);
    const job: AssociationEntry = { kind: 'associate', submissionId: DEAD_ID.replace(/2$/, '3'), formId: 'contact', leadId: 1001, cookie: PENDING_LEAD.cookie, enqueuedAt: 3_000 };

    const outbox = new SqliteOutbox({ path });
    await outbox.enqueue(job);
    const claimed = await outbox.claimDue(5_000, 10, 60_000);
    outbox.close();

    expect(claimed.map((item) => item.kind ?? 'deliver')).toEqual(['deliver', 'associate']);
    expect(claimed[1]).toEqual({ ...job, attempts: 0 });
  });

  it('migrates a version 1 table left at user_version 0', async () => {
    const path = databasePath();
    // The schema-1 proxy created the table and set user_version in two steps, so a crash between them leaves this.
    writeVersion1File(path, 0);

    const outbox = new SqliteOutbox({ path });
    const claimed = await outbox.claimDue(5_000, 10, 60_000);
    outbox.close();

    expect(claimed.map((item) => item.submissionId)).toEqual([PENDING_ID]);
    expect(readSchema(path).version).toBe(OUTBOX_SCHEMA_VERSION);
  });

  it('opens a current file again without changes', async () => {
    const path = databasePath();
    const first = new SqliteOutbox({ path });
    await first.enqueue({ submissionId: PENDING_ID, formId: 'contact', lead: PENDING_LEAD, enqueuedAt: 1_000 });
    first.close();

    const second = new SqliteOutbox({ path });
    const stats = await second.stats();
    second.close();

    expect(stats).toEqual({ pending: 1, dead: 0, oldestPendingAt: 1_000 });
    expect(readSchema(path).version).toBe(OUTBOX_SCHEMA_VERSION);
  });

  it('rejects a file with a newer schema and closes it', () => {
    const path = databasePath();
    new SqliteOutbox({ path }).close();
    setUserVersion(path, OUTBOX_SCHEMA_VERSION + 1);
    const handles: Database.Database[] = [];
    const open = (file: string) => {
      const database = new Database(file);
      handles.push(database);
      return database;
    };

    const opening = () => new SqliteOutbox({ path, open });

    expect(opening).toThrow(ConfigError);
    expect(opening).toThrow(
      `The outbox database ${path} has schema version ${OUTBOX_SCHEMA_VERSION + 1}, but this proxy reads version ${OUTBOX_SCHEMA_VERSION} at most.`,
    );
    expect(handles.map((handle) => handle.open)).toEqual([false, false]);
    expect(readSchema(path).version).toBe(OUTBOX_SCHEMA_VERSION + 1);
  });

  // The schema-1 proxy sets user_version to 1 on any file it opens, so running it on a migrated
  // file and upgrading again repeats migration 2. A crash before user_version was written leaves 0.
  for (const staleVersion of [1, 0]) {
    it(`reopens a version 2 file marked user_version ${staleVersion}`, async () => {
      const path = databasePath();
      const job: AssociationEntry = { kind: 'associate', submissionId: DEAD_ID, formId: 'contact', leadId: 1001, cookie: PENDING_LEAD.cookie, enqueuedAt: 2_000 };
      const first = new SqliteOutbox({ path });
      await first.enqueue({ submissionId: PENDING_ID, formId: 'contact', lead: PENDING_LEAD, enqueuedAt: 1_000 });
      await first.enqueue(job);
      first.close();
      setUserVersion(path, staleVersion);

      const reopened = new SqliteOutbox({ path });
      const claimed = await reopened.claimDue(5_000, 10, 60_000);
      reopened.close();
      const schema = readSchema(path);

      expect(claimed).toEqual([
        { submissionId: PENDING_ID, formId: 'contact', lead: PENDING_LEAD, enqueuedAt: 1_000, attempts: 0 },
        { ...job, attempts: 0 },
      ]);
      expect(schema.version).toBe(OUTBOX_SCHEMA_VERSION);
      expect(schema.columns.filter((name) => name === 'kind')).toHaveLength(1);
      expect(schema.columns).toContain('payload');
      expect(schema.columns).not.toContain('lead');
    });
  }
});
