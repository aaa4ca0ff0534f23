import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

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
