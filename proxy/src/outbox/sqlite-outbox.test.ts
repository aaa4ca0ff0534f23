import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { ConfigError } from '../errors.js';
import type { Logger, LogFields } from '../log.js';
import type { AssociationEntry, OutboxEntry } from './outbox.js';
import { SqliteOutbox } from './sqlite-outbox.js';
import { OUTBOX_SCHEMA_VERSION } from './sqlite-outbox-schema.js';

const directories: string[] = [];

function databasePath(): string {
  const directory = mkdtempSync(join(tmpdir(), 'leadsync-outbox-'));
  directories.push(directory);
  return join(directory, 'nested', 'outbox.sqlite');
}

function entry(index: number, enqueuedAt = 1_000 + index): OutboxEntry {
  return {
    submissionId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    formId: 'contact',
    lead: { email: `lead-${index}@example.test`, attributes: [{ name: 'FirstName', value: `Zoë ${index}` }] },
    enqueuedAt,
  };
}

function associationJob(index: number, enqueuedAt = 1_000 + index): AssociationEntry {
  return {
    kind: 'associate',
    submissionId: entry(index).submissionId,
    formId: 'contact',
    leadId: 4_000 + index,
    cookie: `id:123-ABC-456&token:_mch-example.test-1700000000000-${index}`,
    enqueuedAt,
  };
}

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function recordingLogger(): { log: Logger; lines: Array<{ level: string; message: string } & LogFields> } {
  const lines: Array<{ level: string; message: string } & LogFields> = [];
  return { log: { log: (level, message, fields) => lines.push({ level, message, ...fields }) }, lines };
}

/** Overwrites a stored payload through a second connection, as a hand edit or a disk fault would. */
function overwritePayload(path: string, submissionId: string, payload: string): void {
  const database = new Database(path);
  database.prepare('UPDATE outbox SET payload = ? WHERE submission_id = ?').run(payload, submissionId);
  database.close();
}

/** Opens through better-sqlite3 and keeps the handle, so a test can check that it was closed. */
function trackingOpen(options: Database.Options = {}) {
  const handles: Database.Database[] = [];
  const open = (file: string) => {
    const database = new Database(file, options);
    handles.push(database);
    return database;
  };
  return { open, handles };
}

function configErrorOf(work: () => unknown): ConfigError {
  try {
    work();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, got no error');
}

describe('SqliteOutbox enqueue', () => {
  it('keeps entries across close and reopen', async () => {
    const path = databasePath();
    const first = new SqliteOutbox({ path });
    await first.enqueue(entry(1));
    await first.enqueue(entry(2));
    first.close();

    const reopened = new SqliteOutbox({ path });
    const claimed = await reopened.claimDue(5_000, 10, 60_000);
    reopened.close();

    expect(claimed.map((item) => item.submissionId)).toEqual([entry(1).submissionId, entry(2).submissionId]);
    expect(claimed[0]).toEqual({ ...entry(1), attempts: 0 });
  });

  it('stores a resent submissionId once', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });

    const first = await outbox.enqueue(entry(1));
    const second = await outbox.enqueue({ ...entry(1), formId: 'other' });

    expect(first).toBe(true);
    expect(second).toBe(false);
    expect(await outbox.stats()).toEqual({ pending: 1, dead: 0, oldestPendingAt: 1_001 });
    outbox.close();
  });

  it('uses WAL with full synchronous writes', async () => {
    const path = databasePath();
    const outbox = new SqliteOutbox({ path });
    outbox.close();

    const Database = (await import('better-sqlite3')).default;
    const database = new Database(path, { readonly: true });
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('user_version', { simple: true })).toBe(OUTBOX_SCHEMA_VERSION);
    database.close();
  });
});

describe('SqliteOutbox claimDue', () => {
  it('returns due entries oldest first', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    await outbox.enqueue(entry(3, 3_000));
    await outbox.enqueue(entry(1, 1_000));
    await outbox.enqueue(entry(2, 2_000));

    const claimed = await outbox.claimDue(2_500, 10, 60_000);

    expect(claimed.map((item) => item.enqueuedAt)).toEqual([1_000, 2_000]);
    outbox.close();
  });

  it('hides leased entries until the lease ends', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    await outbox.enqueue(entry(1));

    const first = await outbox.claimDue(5_000, 10, 60_000);
    const during = await outbox.claimDue(6_000, 10, 60_000);
    const after = await outbox.claimDue(65_000, 10, 60_000);

    expect(first).toHaveLength(1);
    expect(during).toHaveLength(0);
    expect(after).toHaveLength(1);
    outbox.close();
  });

  it('release makes entries claimable again', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    await outbox.enqueue(entry(1));
    await outbox.claimDue(5_000, 10, 60_000);

    await outbox.release([entry(1).submissionId]);

    expect(await outbox.claimDue(5_001, 10, 60_000)).toHaveLength(1);
    outbox.close();
  });

  it('skips an entry until its next attempt', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    await outbox.enqueue(entry(1));
    await outbox.markRetry(entry(1).submissionId, { attempts: 1, nextAttemptAt: 10_000, lastError: 'upstream_unavailable: down' });

    expect(await outbox.claimDue(9_999, 10, 60_000)).toHaveLength(0);
    expect(await outbox.claimDue(10_000, 10, 60_000)).toEqual([{ ...entry(1), attempts: 1 }]);
    outbox.close();
  });

  it('markDelivered removes the entry', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    await outbox.enqueue(entry(1));

    await outbox.markDelivered(entry(1).submissionId);

    expect(await outbox.stats()).toEqual({ pending: 0, dead: 0 });
    outbox.close();
  });
});

describe('SqliteOutbox dead letters', () => {
  async function outboxWithDeadLetter(now = () => 50_000) {
    const outbox = new SqliteOutbox({ path: databasePath(), now });
    await outbox.enqueue(entry(1));
    await outbox.enqueue(entry(2));
    await outbox.markDead(entry(1).submissionId, { attempts: 3, deadAt: 40_000, lastError: 'upstream_rejected: 20105 Lead Attribute Bad' });
    return outbox;
  }

  it('lists dead letters with their last error', async () => {
    const outbox = await outboxWithDeadLetter();

    const letters = await outbox.listDeadLetters(10);

    expect(letters).toEqual([{ ...entry(1), attempts: 3, deadAt: 40_000, lastError: 'upstream_rejected: 20105 Lead Attribute Bad' }]);
    expect(await outbox.stats()).toMatchObject({ pending: 1, dead: 1 });
    expect(await outbox.claimDue(60_000, 10, 1_000)).toEqual([{ ...entry(2), attempts: 0 }]);
    outbox.close();
  });

  it('replay makes a dead letter due now with fresh attempts', async () => {
    const outbox = await outboxWithDeadLetter();

    const replayed = await outbox.replayDeadLetter(entry(1).submissionId);

    expect(replayed).toBe(true);
    expect(await outbox.listDeadLetters(10)).toEqual([]);
    const claimed = await outbox.claimDue(50_000, 10, 1_000);
    expect(claimed.map((item) => [item.submissionId, item.attempts])).toEqual([
      [entry(1).submissionId, 0],
      [entry(2).submissionId, 0],
    ]);
    outbox.close();
  });

  it('drop deletes only dead letters', async () => {
    const outbox = await outboxWithDeadLetter();

    expect(await outbox.dropDeadLetter(entry(2).submissionId)).toBe(false);
    expect(await outbox.dropDeadLetter(entry(1).submissionId)).toBe(true);
    expect(await outbox.dropDeadLetter(entry(1).submissionId)).toBe(false);
    expect(await outbox.stats()).toMatchObject({ pending: 1, dead: 0 });
    outbox.close();
  });

  it('replay of an unknown id returns false', async () => {
    const outbox = await outboxWithDeadLetter();

    expect(await outbox.replayDeadLetter('00000000-0000-4000-8000-999999999999')).toBe(false);
    outbox.close();
  });
});

describe('SqliteOutbox listPending', () => {
  /** Reads every row through a second connection, to compare the table before and after a call. */
  function readAllRows(path: string): unknown[] {
    const database = new Database(path, { readonly: true });
    const rows = database.prepare('SELECT * FROM outbox ORDER BY submission_id').all();
    database.close();
    return rows;
  }

  it('lists pending entries oldest first', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    await outbox.enqueue(associationJob(2, 2_000), { delayMs: 500 });
    await outbox.enqueue(entry(1, 1_000));
    await outbox.enqueue(entry(3, 3_000));
    await outbox.markRetry(entry(1).submissionId, { attempts: 2, nextAttemptAt: 9_000, lastError: 'upstream_unavailable: down' });
    await outbox.markDead(entry(3).submissionId, { attempts: 10, deadAt: 8_000, lastError: 'upstream_unavailable: down' });

    const pending = await outbox.listPending(10);
    outbox.close();

    expect(pending).toEqual([
      { ...entry(1, 1_000), attempts: 2, nextAttemptAt: 9_000, leaseUntil: 0, lastError: 'upstream_unavailable: down' },
      { ...associationJob(2, 2_000), attempts: 0, nextAttemptAt: 2_500, leaseUntil: 0, lastError: '' },
    ]);
  });

  it('shows the lease of a claimed entry', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    await outbox.enqueue(entry(1));
    await outbox.claimDue(5_000, 10, 60_000);

    const pending = await outbox.listPending(10);
    outbox.close();

    expect(pending.map((item) => item.leaseUntil)).toEqual([65_000]);
  });

  it('returns at most limit entries', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    for (const index of [1, 2, 3]) await outbox.enqueue(entry(index));

    const pending = await outbox.listPending(2);
    outbox.close();

    expect(pending.map((item) => item.submissionId)).toEqual([entry(1).submissionId, entry(2).submissionId]);
  });

  it('changes no row, corrupt ones included', async () => {
    const path = databasePath();
    const outbox = new SqliteOutbox({ path, log: recordingLogger().log });
    await outbox.enqueue(entry(1));
    await outbox.enqueue(entry(2));
    await outbox.claimDue(5_000, 1, 60_000);
    overwritePayload(path, entry(2).submissionId, '{broken');
    const before = readAllRows(path);

    const pending = await outbox.listPending(10);
    const after = readAllRows(path);
    outbox.close();

    expect(after).toEqual(before);
    expect(pending[1]).toEqual({
      submissionId: entry(2).submissionId,
      formId: 'contact',
      enqueuedAt: 1_002,
      lead: { attributes: [] },
      attempts: 0,
      nextAttemptAt: 1_002,
      leaseUntil: 0,
      lastError: expect.stringMatching(/^invalid payload: not valid JSON/),
    });
  });
});

describe('SqliteOutbox association jobs', () => {
  it('stores a job and returns it with its kind', async () => {
    const path = databasePath();
    const first = new SqliteOutbox({ path });
    await first.enqueue(associationJob(1));
    first.close();

    const reopened = new SqliteOutbox({ path });
    const claimed = await reopened.claimDue(5_000, 10, 60_000);
    reopened.close();

    expect(claimed).toEqual([{ ...associationJob(1), attempts: 0 }]);
  });

  it('holds a delayed job back until it is due', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });

    await outbox.enqueue(associationJob(1, 1_000), { delayMs: 30_000 });

    expect(await outbox.claimDue(30_999, 10, 60_000)).toEqual([]);
    expect(await outbox.claimDue(31_000, 10, 60_000)).toHaveLength(1);
    expect(await outbox.stats()).toEqual({ pending: 1, dead: 0, oldestPendingAt: 1_000 });
    outbox.close();
  });

  it('markDelivered with a follow-up replaces the entry', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    await outbox.enqueue(entry(1));
    await outbox.markRetry(entry(1).submissionId, { attempts: 2, nextAttemptAt: 2_000, lastError: 'upstream_unavailable: down' });
    await outbox.claimDue(2_000, 10, 60_000);

    await outbox.markDelivered(entry(1).submissionId, { entry: associationJob(1, 9_000), nextAttemptAt: 20_000 });

    expect(await outbox.claimDue(19_999, 10, 60_000)).toEqual([]);
    expect(await outbox.claimDue(20_000, 10, 60_000)).toEqual([{ ...associationJob(1, 9_000), attempts: 0 }]);
    expect(await outbox.stats()).toMatchObject({ pending: 1, dead: 0 });
    outbox.close();
  });

  it('markDelivered rejects a follow-up of another submission', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });
    await outbox.enqueue(entry(1));

    const replace = outbox.markDelivered(entry(1).submissionId, { entry: associationJob(2), nextAttemptAt: 1 });

    await expect(replace).rejects.toThrow(`expected ${entry(1).submissionId}, got ${entry(2).submissionId}`);
    outbox.close();
  });

  it('dead-letters and replays a job with its kind', async () => {
    const outbox = new SqliteOutbox({ path: databasePath(), now: () => 50_000 });
    await outbox.enqueue(associationJob(1));
    await outbox.markDead(entry(1).submissionId, { attempts: 10, deadAt: 40_000, lastError: 'upstream_rate_limited: 606' });

    const letters = await outbox.listDeadLetters(10);
    const replayed = await outbox.replayDeadLetter(entry(1).submissionId);

    expect(letters).toEqual([{ ...associationJob(1), attempts: 10, deadAt: 40_000, lastError: 'upstream_rate_limited: 606' }]);
    expect(replayed).toBe(true);
    expect(await outbox.claimDue(50_000, 10, 1_000)).toEqual([{ ...associationJob(1), attempts: 0 }]);
    outbox.close();
  });

  it('enqueueDeadLetter stores a job as dead', async () => {
    const outbox = new SqliteOutbox({ path: databasePath() });

    const stored = await outbox.enqueueDeadLetter({ ...associationJob(1), attempts: 1, deadAt: 3_000, lastError: 'upstream_rejected: 1012' });

    expect(stored).toBe(true);
    expect(await outbox.listDeadLetters(10)).toEqual([{ ...associationJob(1), attempts: 1, deadAt: 3_000, lastError: 'upstream_rejected: 1012' }]);
    outbox.close();
  });
});

describe('SqliteOutbox invalid payloads', () => {
  it('claimDue dead-letters a corrupt row and claims the rest', async () => {
    const path = databasePath();
    const { log, lines } = recordingLogger();
    const outbox = new SqliteOutbox({ path, log });
    for (const index of [1, 2, 3]) await outbox.enqueue(entry(index));
    overwritePayload(path, entry(1).submissionId, '{broken');

    const claimed = await outbox.claimDue(5_000, 10, 60_000);
    const letters = await outbox.listDeadLetters(10);

    expect(claimed).toEqual([
      { ...entry(2), attempts: 0 },
      { ...entry(3), attempts: 0 },
    ]);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ submissionId: entry(1).submissionId, formId: 'contact', attempts: 0, deadAt: 5_000 });
    expect(letters[0]?.lastError).toMatch(/^invalid payload: not valid JSON/);
    expect(lines).toEqual([
      expect.objectContaining({ level: 'error', submissionId: entry(1).submissionId, kind: 'deliver', error: letters[0]?.lastError }),
    ]);
    expect(await outbox.stats()).toEqual({ pending: 2, dead: 1, oldestPendingAt: 1_002 });
    outbox.close();
  });

  it('claimDue fills the batch past invalid rows', async () => {
    const path = databasePath();
    const outbox = new SqliteOutbox({ path, log: recordingLogger().log });
    for (const index of [1, 2, 3, 4, 5]) await outbox.enqueue(entry(index));
    for (const index of [1, 2, 3]) overwritePayload(path, entry(index).submissionId, 'null');

    const claimed = await outbox.claimDue(5_000, 2, 60_000);

    expect(claimed.map((item) => item.submissionId)).toEqual([entry(4).submissionId, entry(5).submissionId]);
    expect(await outbox.stats()).toMatchObject({ pending: 2, dead: 3 });
    outbox.close();
  });

  const wrongShapes: Array<{ stored: OutboxEntry; payload: string; problem: string }> = [
    { stored: entry(1), payload: '[]', problem: 'invalid payload: a delivery entry needs a lead object, got an array' },
    { stored: entry(1), payload: '"ana"', problem: 'invalid payload: a delivery entry needs a lead object, got string' },
    { stored: entry(1), payload: '{"email":"x"}', problem: "invalid payload: the lead's attributes must be an array, got undefined" },
    { stored: entry(1), payload: '{"attributes":[{"name":"FirstName"}]}', problem: 'invalid payload: lead attribute 0 needs a string name and a string value' },
    { stored: entry(1), payload: '{"email":7,"attributes":[]}', problem: "invalid payload: the lead's email must be a string, got the number 7" },
    { stored: associationJob(1), payload: '{"cookie":"id:1"}', problem: 'invalid payload: an association job needs a positive integer leadId, got undefined' },
    { stored: associationJob(1), payload: '{"leadId":"12","cookie":"id:1"}', problem: 'invalid payload: an association job needs a positive integer leadId, got string' },
    { stored: associationJob(1), payload: '{"leadId":0,"cookie":"id:1"}', problem: 'invalid payload: an association job needs a positive integer leadId, got the number 0' },
    { stored: associationJob(1), payload: '{"leadId":12}', problem: 'invalid payload: an association job needs a cookie string, got undefined' },
    { stored: associationJob(1), payload: '[12]', problem: 'invalid payload: an association job needs an object with leadId and cookie, got an array' },
  ];

  for (const { stored, payload, problem } of wrongShapes) {
    it(`claimDue dead-letters ${stored.kind ?? 'deliver'} payload ${payload}`, async () => {
      const path = databasePath();
      const { log, lines } = recordingLogger();
      const outbox = new SqliteOutbox({ path, log });
      await outbox.enqueue(stored);
      overwritePayload(path, stored.submissionId, payload);

      const claimed = await outbox.claimDue(5_000, 10, 60_000);
      const letters = await outbox.listDeadLetters(10);
      outbox.close();

      expect(claimed).toEqual([]);
      expect(letters.map((letter) => letter.lastError)).toEqual([problem]);
      expect(lines.map((line) => line.submissionId)).toEqual([stored.submissionId]);
    });
  }

  it('problem text and log never quote the payload', async () => {
    const path = databasePath();
    const { log, lines } = recordingLogger();
    const outbox = new SqliteOutbox({ path, log });
    await outbox.enqueue(entry(1));
    overwritePayload(path, entry(1).submissionId, '{"email":"ana.secret@example.test", broken');

    await outbox.claimDue(5_000, 10, 60_000);
    const [letter] = await outbox.listDeadLetters(10);
    outbox.close();

    expect(letter?.lastError).toMatch(/^invalid payload: not valid JSON \(error at position \d+\)$/);
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('listDeadLetters shows a corrupt dead delivery entry', async () => {
    const path = databasePath();
    const outbox = new SqliteOutbox({ path, log: recordingLogger().log });
    await outbox.enqueue(entry(1));
    await outbox.markDead(entry(1).submissionId, { attempts: 3, deadAt: 40_000, lastError: 'upstream_rejected: 1006 Field not found' });
    overwritePayload(path, entry(1).submissionId, '{broken');

    const letters = await outbox.listDeadLetters(10);
    outbox.close();

    expect(letters).toEqual([
      {
        submissionId: entry(1).submissionId,
        formId: 'contact',
        enqueuedAt: 1_001,
        lead: { attributes: [] },
        attempts: 3,
        deadAt: 40_000,
        lastError: expect.stringMatching(/^invalid payload: not valid JSON .*; last delivery error: upstream_rejected: 1006 Field not found$/),
      },
    ]);
  });

  it('listDeadLetters shows a corrupt dead association job', async () => {
    const path = databasePath();
    const outbox = new SqliteOutbox({ path, log: recordingLogger().log });
    await outbox.enqueueDeadLetter({ ...associationJob(1), attempts: 10, deadAt: 3_000, lastError: 'upstream_rate_limited: 606' });
    overwritePayload(path, entry(1).submissionId, '{"leadId":"x"}');

    const letters = await outbox.listDeadLetters(10);
    outbox.close();

    expect(letters).toEqual([
      {
        ...associationJob(1),
        leadId: 0,
        cookie: '',
        attempts: 10,
        deadAt: 3_000,
        lastError: 'invalid payload: an association job needs a positive integer leadId, got string; last delivery error: upstream_rate_limited: 606',
      },
    ]);
  });

  it('replay of a corrupt dead letter dead-letters it again', async () => {
    const path = databasePath();
    const outbox = new SqliteOutbox({ path, now: () => 50_000, log: recordingLogger().log });
    await outbox.enqueue(entry(1));
    overwritePayload(path, entry(1).submissionId, '{broken');
    await outbox.claimDue(5_000, 10, 60_000);

    await outbox.replayDeadLetter(entry(1).submissionId);
    const claimed = await outbox.claimDue(50_000, 10, 60_000);
    const letters = await outbox.listDeadLetters(10);
    outbox.close();

    expect(claimed).toEqual([]);
    expect(letters.map((letter) => letter.lastError)).toEqual([expect.stringMatching(/^invalid payload: not valid JSON/)]);
  });
});

describe('SqliteOutbox opening errors', () => {
  it('rejects a path that is a directory', () => {
    const path = databasePath();
    mkdirSync(path, { recursive: true });

    const error = configErrorOf(() => new SqliteOutbox({ path }));

    expect(error.variable).toBe('LEADSYNC_OUTBOX_PATH');
    expect(error.message).toBe(
      `LEADSYNC_OUTBOX_PATH names a directory, ${path}, but must name the database file. Set it to a file path such as ${join(path, 'outbox.sqlite')}.`,
    );
  });

  it('names the directory it cannot create', () => {
    const path = databasePath();
    const blocker = dirname(path);
    mkdirSync(dirname(blocker), { recursive: true });
    writeFileSync(blocker, 'a file where the directory should be');

    const error = configErrorOf(() => new SqliteOutbox({ path }));

    expect(error.variable).toBe('LEADSYNC_OUTBOX_PATH');
    expect(error.message).toContain(`Creating the directory ${blocker} of the outbox database ${path} failed:`);
    expect(error.message).toContain('set LEADSYNC_OUTBOX_PATH to a path in a writable directory');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('names a read-only database and closes it', () => {
    const path = databasePath();
    new SqliteOutbox({ path }).close();
    const { open, handles } = trackingOpen({ readonly: true });

    const error = configErrorOf(() => new SqliteOutbox({ path, open }));

    expect(error.message).toContain(`Opening the outbox database ${path} (LEADSYNC_OUTBOX_PATH) failed: attempt to write a readonly database.`);
    expect(error.message).toContain("Give the proxy's user write access to the file and its directory");
    expect(handles.map((handle) => handle.open)).toEqual([false]);
  });

  it('names a file that is not a database and closes it', () => {
    const path = databasePath();
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'plain text, not SQLite '.repeat(100));
    const { open, handles } = trackingOpen();

    const error = configErrorOf(() => new SqliteOutbox({ path, open }));

    expect(error.message).toContain(`Opening the outbox database ${path} (LEADSYNC_OUTBOX_PATH) failed: file is not a database.`);
    expect(error.message).toContain('The file is not a SQLite database.');
    expect(handles.map((handle) => handle.open)).toEqual([false]);
  });

  it('names a file the driver cannot open', () => {
    const path = databasePath();
    const open = () => {
      throw Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' });
    };

    const error = configErrorOf(() => new SqliteOutbox({ path, open }));

    expect(error.message).toBe(
      `Opening the outbox database ${path} (LEADSYNC_OUTBOX_PATH) failed: unable to open database file. ` +
        "Give the proxy's user write access to the file and its directory, or set LEADSYNC_OUTBOX_PATH to a writable path.",
    );
  });
});
