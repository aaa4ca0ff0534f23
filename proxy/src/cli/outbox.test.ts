import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { SqliteOutbox } from '../outbox/sqlite-outbox.js';
import { runOutboxCli } from './outbox.js';

const SUBMISSION_ID = '00000000-0000-4000-8000-000000000001';
const JOB_ID = '00000000-0000-4000-8000-000000000002';
const PENDING_ID = '00000000-0000-4000-8000-000000000003';
const directories: string[] = [];

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

async function outboxWithDeadLetter(): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), 'leadsync-cli-'));
  directories.push(directory);
  const path = join(directory, 'outbox.sqlite');

  const outbox = new SqliteOutbox({ path });
  await outbox.enqueue({ submissionId: SUBMISSION_ID, formId: 'contact', lead: { email: 'ana@example.test', attributes: [] }, enqueuedAt: 1_000 });
  await outbox.markDead(SUBMISSION_ID, { attempts: 10, deadAt: Date.UTC(2026, 0, 15), lastError: 'upstream_unavailable: down' });
  outbox.close();
  return path;
}

/**
 * Adds two pending entries beside the dead letter: a delivery entry that failed twice and waits
 * until 09:00, and an association job that a drain leased at 08:50 for one minute.
 */
async function outboxWithPendingEntries(): Promise<string> {
  const path = await outboxWithDeadLetter();
  const outbox = new SqliteOutbox({ path });
  await outbox.enqueue({ submissionId: PENDING_ID, formId: 'contact', lead: { email: 'bo@example.test', attributes: [] }, enqueuedAt: Date.UTC(2026, 0, 17, 8, 30) });
  await outbox.markRetry(PENDING_ID, { attempts: 2, nextAttemptAt: Date.UTC(2026, 0, 17, 9), lastError: 'upstream_unavailable: down' });
  await outbox.enqueue({
    kind: 'associate',
    submissionId: JOB_ID,
    formId: 'contact',
    leadId: 1001,
    cookie: 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345',
    enqueuedAt: Date.UTC(2026, 0, 17, 8, 45),
  });
  await outbox.claimDue(Date.UTC(2026, 0, 17, 8, 50), 10, 60_000);
  outbox.close();
  return path;
}

/** Reads every row through a second connection, to compare the table before and after a command. */
function readAllRows(path: string): unknown[] {
  const database = new Database(path, { readonly: true });
  const rows = database.prepare('SELECT * FROM outbox ORDER BY submission_id').all();
  database.close();
  return rows;
}

describe('outbox CLI', () => {
  it('list prints dead letters with masked addresses', async () => {
    const path = await outboxWithDeadLetter();

    const result = await runOutboxCli(['list'], path);

    expect(result.exitCode).toBe(0);
    expect(result.output).toBe(
      `Outbox database: ${path}\n${SUBMISSION_ID}\t2026-01-15T00:00:00.000Z\tcontact\tdeliver\ta***@example.test\tattempts=10\tupstream_unavailable: down`,
    );
  });

  it('list prints an association job with its lead id', async () => {
    const path = await outboxWithDeadLetter();
    const outbox = new SqliteOutbox({ path });
    await outbox.enqueueDeadLetter({
      kind: 'associate',
      submissionId: JOB_ID,
      formId: 'contact',
      leadId: 1001,
      cookie: 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345',
      enqueuedAt: 2_000,
      attempts: 10,
      deadAt: Date.UTC(2026, 0, 16),
      lastError: 'upstream_rate_limited: 606',
    });
    outbox.close();

    const result = await runOutboxCli(['list'], path);

    expect(result.output.split('\n')[2]).toBe(`${JOB_ID}\t2026-01-16T00:00:00.000Z\tcontact\tassociate\tleadId=1001\tattempts=10\tupstream_rate_limited: 606`);
    expect(result.output).not.toContain('_mch-');
  });

  it('pending prints attempts, next attempt and lease', async () => {
    const path = await outboxWithPendingEntries();

    const result = await runOutboxCli(['pending'], path, { now: () => Date.UTC(2026, 0, 17, 8, 50, 30) });

    expect(result.exitCode).toBe(0);
    expect(result.output.split('\n')).toEqual([
      `Outbox database: ${path}`,
      `${PENDING_ID}\t2026-01-17T08:30:00.000Z\tcontact\tdeliver\tb***@example.test\tattempts=2\tnextAttemptAt=2026-01-17T09:00:00.000Z\tleasedUntil=-\tupstream_unavailable: down`,
      `${JOB_ID}\t2026-01-17T08:45:00.000Z\tcontact\tassociate\tleadId=1001\tattempts=0\tnextAttemptAt=2026-01-17T08:45:00.000Z\tleasedUntil=2026-01-17T08:51:00.000Z\t-`,
    ]);
    expect(result.output).not.toContain('_mch-');
  });

  it('pending hides an ended lease', async () => {
    const path = await outboxWithPendingEntries();

    const result = await runOutboxCli(['pending'], path, { now: () => Date.UTC(2026, 0, 17, 8, 51) });

    expect(result.output.split('\n')[2]).toContain('\tleasedUntil=-\t');
  });

  it('pending changes no row', async () => {
    const path = await outboxWithPendingEntries();
    const before = readAllRows(path);

    await runOutboxCli(['pending'], path);

    expect(readAllRows(path)).toEqual(before);
  });

  it('pending stops at the limit', async () => {
    const path = await outboxWithPendingEntries();

    const result = await runOutboxCli(['pending', '1'], path);

    expect(result.output.split('\n')).toHaveLength(2);
    expect(result.output.split('\n')[1]).toMatch(new RegExp(`^${PENDING_ID}\t`));
  });

  it('pending reports no pending entries', async () => {
    const path = await outboxWithDeadLetter();

    const result = await runOutboxCli(['pending'], path);

    expect(result).toEqual({ exitCode: 0, output: `Outbox database: ${path}\nNo pending entries.` });
  });

  it('pending rejects an invalid limit with usage', async () => {
    const path = await outboxWithPendingEntries();

    const result = await runOutboxCli(['pending', '0'], path);

    expect(result.exitCode).toBe(2);
    expect(result.output).toBe('The limit must be a positive integer, got "0". Usage: outbox stats | list [limit] | pending [limit] | replay <submissionId> | drop <submissionId> | help');
  });

  it('stats prints the counts as JSON', async () => {
    const path = await outboxWithDeadLetter();

    const result = await runOutboxCli(['stats'], path);

    expect(JSON.parse(result.output)).toEqual({ path, pending: 0, dead: 1 });
  });

  it('stats prints the oldest pending entry as an ISO date', async () => {
    const path = await outboxWithDeadLetter();
    const outbox = new SqliteOutbox({ path });
    await outbox.enqueue({ submissionId: JOB_ID, formId: 'contact', lead: { email: 'bo@example.test', attributes: [] }, enqueuedAt: Date.UTC(2026, 0, 17, 8, 30) });
    outbox.close();

    const result = await runOutboxCli(['stats'], path);

    expect(JSON.parse(result.output)).toEqual({ path, pending: 1, dead: 1, oldestPendingAt: '2026-01-17T08:30:00.000Z' });
  });

  it('replay makes the dead letter pending', async () => {
    const path = await outboxWithDeadLetter();

    const replay = await runOutboxCli(['replay', SUBMISSION_ID], path);
    const stats = await runOutboxCli(['stats'], path);

    expect(replay).toEqual({ exitCode: 0, output: `Outbox database: ${path}\nQueued ${SUBMISSION_ID} for delivery again.` });
    expect(JSON.parse(stats.output)).toMatchObject({ pending: 1, dead: 0 });
  });

  it('drop prints the database path', async () => {
    const path = await outboxWithDeadLetter();

    const result = await runOutboxCli(['drop', SUBMISSION_ID], path);

    expect(result).toEqual({ exitCode: 0, output: `Outbox database: ${path}\nDropped ${SUBMISSION_ID}.` });
  });

  it('drop of an unknown id exits 1', async () => {
    const path = await outboxWithDeadLetter();

    const result = await runOutboxCli(['drop', '00000000-0000-4000-8000-000000000009'], path);

    expect(result.exitCode).toBe(1);
    expect(result.output).toBe(`Outbox database: ${path}\nNo dead letter with submissionId 00000000-0000-4000-8000-000000000009. Run "outbox list" to see them.`);
  });

  it('resolves a relative path from the current directory', async () => {
    const path = await outboxWithDeadLetter();

    const result = await runOutboxCli(['list'], relative(process.cwd(), path));

    expect(result.exitCode).toBe(0);
    expect(result.output.split('\n')[0]).toBe(`Outbox database: ${path}`);
  });

  it('rejects a path with no database without creating it', async () => {
    const path = join(dirname(await outboxWithDeadLetter()), 'typo.sqlite');

    for (const command of ['stats', 'list', 'pending', 'replay', 'drop']) {
      const result = await runOutboxCli([command, SUBMISSION_ID], path);

      expect(result.exitCode).toBe(1);
      expect(result.output).toBe(
        `No outbox database at ${path}. Set LEADSYNC_OUTBOX_PATH to the file the proxy uses. A relative path is resolved from the current directory, ${process.cwd()}.`,
      );
    }
    expect(existsSync(path)).toBe(false);
  });

  it('rejects a path that is a directory', async () => {
    const path = join(dirname(await outboxWithDeadLetter()), 'folder');
    mkdirSync(path);

    const result = await runOutboxCli(['stats'], path);

    expect(result.exitCode).toBe(1);
    expect(result.output).toContain(`LEADSYNC_OUTBOX_PATH names a directory, ${path}, but must name the database file.`);
  });

  it('rejects a missing id and an unknown command with usage', async () => {
    const path = await outboxWithDeadLetter();

    const missing = await runOutboxCli(['replay'], path);
    const unknown = await runOutboxCli(['purge'], path);

    expect(missing.exitCode).toBe(2);
    expect(missing.output).toContain('Missing submissionId. Usage: outbox');
    expect(unknown.output).toContain('Unknown command "purge"');
  });

  it('help, --help and -h print the help', async () => {
    const path = join(dirname(await outboxWithDeadLetter()), 'typo.sqlite');

    for (const args of [['help'], ['--help'], ['-h'], ['pending', '--help']]) {
      const result = await runOutboxCli(args, path);

      expect(result.exitCode).toBe(0);
      expect(result.output).toMatch(/^Usage: pnpm --filter @leadsync\/proxy outbox <command>\n/);
      expect(result.output).toContain('\n  pending [limit]  ');
    }
    expect(existsSync(path)).toBe(false);
  });
});
