import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { CallSlotTimeoutError, MarketoError, QuotaPausedError } from '../errors.js';
import type { Logger } from '../log.js';
import { drainOutbox, startOutboxDrain } from './drain-outbox.js';
import type { AssociationEntry, FollowUp, OutboxEntry } from './outbox.js';
import { createRetrySchedule } from './retry-schedule.js';
import { SqliteOutbox } from './sqlite-outbox.js';

const directories: string[] = [];
const outboxes: SqliteOutbox[] = [];

afterEach(() => {
  for (const outbox of outboxes.splice(0)) outbox.close();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function openOutbox(): SqliteOutbox {
  const directory = mkdtempSync(join(tmpdir(), 'leadsync-drain-'));
  directories.push(directory);
  const outbox = new SqliteOutbox({ path: join(directory, 'outbox.sqlite') });
  outboxes.push(outbox);
  return outbox;
}

function entry(index: number): OutboxEntry {
  return {
    submissionId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    formId: 'contact',
    lead: { email: `lead-${index}@example.test`, attributes: [] },
    enqueuedAt: 1_000 + index,
  };
}

function recordingLogger(): { log: Logger; lines: Array<{ level: string; message: string; [key: string]: unknown }> } {
  const lines: Array<{ level: string; message: string }> = [];
  return { lines, log: { log: (level, message, fields) => lines.push({ level, message, ...fields }) } };
}

function associationJob(index: number, enqueuedAt: number): AssociationEntry {
  return { kind: 'associate', submissionId: entry(index).submissionId, formId: 'contact', leadId: 4242, cookie: COOKIE, enqueuedAt };
}

const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345';
const unavailable = () => new MarketoError('Marketo request failed before a reply.', { kind: 'unavailable', retryable: true });
const rateLimited = () => new MarketoError('Marketo Associate Lead failed: 606 Max rate limit exceeded.', { kind: 'rate', retryable: true, faultCode: 606 });
const rejected = () => new MarketoError('Lead Attribute Bad', { kind: 'bad_request', retryable: false, faultCode: 20105 });

describe('drainOutbox', () => {
  it('delivers every due entry oldest first', async () => {
    const outbox = openOutbox();
    for (const index of [3, 1, 2]) await outbox.enqueue(entry(index));
    const delivered: string[] = [];

    const report = await drainOutbox({
      outbox,
      deliver: async (item) => {
        delivered.push(item.kind === 'associate' ? '' : (item.lead.email ?? ''));
        return undefined;
      },
      log: recordingLogger().log,
      batchSize: 2,
      now: () => 10_000,
    });

    expect(report).toEqual({ delivered: 3, retried: 0, dead: 0 });
    expect(delivered).toEqual(['lead-1@example.test', 'lead-2@example.test', 'lead-3@example.test']);
    expect(await outbox.stats()).toEqual({ pending: 0, dead: 0 });
  });

  it('stops the run at a retryable failure', async () => {
    const outbox = openOutbox();
    for (const index of [1, 2, 3]) await outbox.enqueue(entry(index));
    const { log, lines } = recordingLogger();
    const attempted: string[] = [];

    const report = await drainOutbox({
      outbox,
      deliver: async (item) => {
        attempted.push(item.submissionId);
        if (item.submissionId === entry(2).submissionId) throw unavailable();
      },
      log,
      schedule: createRetrySchedule({ baseDelayMs: 1_000, random: () => 1 }),
      now: () => 10_000,
    });

    expect(report).toEqual({ delivered: 1, retried: 1, dead: 0 });
    expect(attempted).toEqual([entry(1).submissionId, entry(2).submissionId]);
    // Entry 3 was released and is due now; entry 2 waits for its backoff.
    expect((await outbox.claimDue(10_000, 10, 60_000)).map((item) => item.submissionId)).toEqual([entry(3).submissionId]);
    expect((await outbox.claimDue(11_000, 10, 1)).map((item) => [item.submissionId, item.attempts])).toEqual([[entry(2).submissionId, 1]]);
    expect(lines.find((line) => line.level === 'warn')).toMatchObject({ submissionId: entry(2).submissionId, attempts: 1 });
  });

  it('schedules a quota failure in the SQLite outbox', async () => {
    const outbox = openOutbox();
    for (const index of [1, 2]) await outbox.enqueue(entry(index));
    const quota = new MarketoError('Request Limit Exceeded', { kind: 'quota', retryable: true, faultCode: 20015 });
    const { log } = recordingLogger();

    const report = await drainOutbox({
      outbox,
      deliver: async () => {
        throw quota;
      },
      log,
      // Math.random's fractions make the spread over the first minutes after the reset fractional.
      schedule: createRetrySchedule({ random: () => 0.123456789 }),
      now: () => Date.UTC(2026, 0, 15, 18, 0, 0, 321),
    });

    expect(report).toEqual({ delivered: 0, retried: 1, dead: 0 });
    const stats = await outbox.stats();
    expect(stats.pending).toBe(2);
  });

  it('releases the batch when the outbox fails', async () => {
    const outbox = openOutbox();
    for (const index of [1, 2, 3]) await outbox.enqueue(entry(index));
    const { log } = recordingLogger();
    const markRetry = outbox.markRetry.bind(outbox);
    outbox.markRetry = async () => {
      throw new Error('disk full');
    };

    const drain = drainOutbox({ outbox, deliver: async () => Promise.reject(unavailable()), log, now: () => 10_000 });

    await expect(drain).rejects.toThrow('disk full');
    outbox.markRetry = markRetry;
    const due = await outbox.claimDue(10_000, 10, 60_000);
    expect(due.map((item) => item.submissionId)).toEqual([1, 2, 3].map((index) => entry(index).submissionId));
  });

  it('ends the run after the current entry when stopped', async () => {
    const outbox = openOutbox();
    for (const index of [1, 2, 3]) await outbox.enqueue(entry(index));
    const { log } = recordingLogger();
    const stopping = new AbortController();

    const report = await drainOutbox({
      outbox,
      deliver: async () => {
        stopping.abort();
      },
      log,
      now: () => 10_000,
      signal: stopping.signal,
    });

    expect(report).toEqual({ delivered: 1, retried: 0, dead: 0 });
    const due = await outbox.claimDue(10_000, 10, 60_000);
    expect(due.map((item) => item.submissionId)).toEqual([2, 3].map((index) => entry(index).submissionId));
  });

  it('counts no attempt for a wait without a call slot', async () => {
    const outbox = openOutbox();
    await outbox.enqueue(entry(1));
    const { log, lines } = recordingLogger();
    const noSlot = new CallSlotTimeoutError('No Marketo call slot became free within 5000 ms.', 3);

    const report = await drainOutbox({
      outbox,
      deliver: async () => Promise.reject(noSlot),
      log,
      schedule: createRetrySchedule({ maxAttempts: 1 }),
      now: () => 10_000,
    });

    expect(report).toEqual({ delivered: 0, retried: 1, dead: 0 });
    expect(await outbox.claimDue(12_999, 10, 60_000)).toEqual([]);
    expect((await outbox.claimDue(13_000, 10, 60_000)).map((item) => item.attempts)).toEqual([0]);
    expect(lines.find((line) => line.submissionId === entry(1).submissionId)).toMatchObject({ level: 'info', attempts: 0 });
  });

  it('counts no attempt while the quota pause holds calls', async () => {
    const outbox = openOutbox();
    await outbox.enqueue(entry(1));
    const { log } = recordingLogger();
    const paused = new QuotaPausedError('Marketo daily API quota is used up.', { kind: 'quota', retryable: true });
    // 2026-01-15 18:00 UTC is 12:00 in Chicago: the quota resets twelve hours later.
    const noonInChicago = Date.UTC(2026, 0, 15, 18, 0, 0);

    const report = await drainOutbox({
      outbox,
      deliver: async () => Promise.reject(paused),
      log,
      schedule: createRetrySchedule({ maxAttempts: 1, random: () => 0 }),
      now: () => noonInChicago,
    });

    expect(report).toEqual({ delivered: 0, retried: 1, dead: 0 });
    const reset = noonInChicago + 12 * 60 * 60_000;
    expect(await outbox.claimDue(reset - 1, 10, 60_000)).toEqual([]);
    expect((await outbox.claimDue(reset, 10, 60_000)).map((item) => item.attempts)).toEqual([0]);
  });

  it('dead-letters a rejected entry and goes on', async () => {
    const outbox = openOutbox();
    for (const index of [1, 2]) await outbox.enqueue(entry(index));
    const { log, lines } = recordingLogger();

    const report = await drainOutbox({
      outbox,
      deliver: async (item) => {
        if (item.submissionId === entry(1).submissionId) throw rejected();
      },
      log,
      now: () => 10_000,
    });
    const letters = await outbox.listDeadLetters(10);

    expect(report).toEqual({ delivered: 1, retried: 0, dead: 1 });
    expect(letters.map((letter) => [letter.submissionId, letter.attempts, letter.deadAt])).toEqual([[entry(1).submissionId, 1, 10_000]]);
    expect(letters[0]?.lastError).toBe('upstream_rejected: Lead Attribute Bad');
    expect(lines.find((line) => line.level === 'error')).toMatchObject({ message: 'Outbox entry became a dead letter' });
  });

  it('dead-letters after the last attempt', async () => {
    const outbox = openOutbox();
    await outbox.enqueue(entry(1));
    let now = 10_000;
    const options = {
      outbox,
      deliver: async () => {
        throw unavailable();
      },
      log: recordingLogger().log,
      schedule: createRetrySchedule({ maxAttempts: 3, baseDelayMs: 1_000, random: () => 1 }),
      now: () => now,
    };

    const reports = [];
    for (let run = 0; run < 3; run += 1) {
      reports.push(await drainOutbox(options));
      now += 60_000;
    }

    expect(reports.map((report) => report.dead)).toEqual([0, 0, 1]);
    expect((await outbox.listDeadLetters(10))[0]?.attempts).toBe(3);
  });

  it('replaces a delivery with its association job', async () => {
    const outbox = openOutbox();
    await outbox.enqueue(entry(1));
    const { log, lines } = recordingLogger();
    const followUp: FollowUp = { job: associationJob(1, 10_000), failure: rateLimited() };

    const report = await drainOutbox({
      outbox,
      deliver: async () => followUp,
      log,
      schedule: createRetrySchedule({ baseDelayMs: 1_000, random: () => 1 }),
      now: () => 10_000,
    });

    expect(report).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(await outbox.claimDue(10_999, 10, 1)).toEqual([]);
    expect(await outbox.claimDue(11_000, 10, 1)).toEqual([{ ...associationJob(1, 10_000), attempts: 0 }]);
    expect(lines.find((line) => line.level === 'warn')).toMatchObject({
      message: 'Associate Lead failed for now; the outbox keeps an association job for a later attempt',
      submissionId: entry(1).submissionId,
      leadId: 4242,
      error: expect.stringContaining('606'),
    });
  });

  it('retries a failing association job, then dead-letters it', async () => {
    const outbox = openOutbox();
    await outbox.enqueue(associationJob(1, 1_000));
    let now = 10_000;
    const attempted: string[] = [];
    const options = {
      outbox,
      deliver: async (item: OutboxEntry) => {
        attempted.push(item.kind ?? 'deliver');
        throw rateLimited();
      },
      log: recordingLogger().log,
      schedule: createRetrySchedule({ maxAttempts: 2, baseDelayMs: 1_000, random: () => 1 }),
      now: () => now,
    };

    const first = await drainOutbox(options);
    now += 60_000;
    const second = await drainOutbox(options);
    const letters = await outbox.listDeadLetters(10);

    expect([first, second]).toEqual([
      { delivered: 0, retried: 1, dead: 0 },
      { delivered: 0, retried: 0, dead: 1 },
    ]);
    expect(attempted).toEqual(['associate', 'associate']);
    expect(letters).toEqual([
      { ...associationJob(1, 1_000), attempts: 2, deadAt: 70_000, lastError: expect.stringContaining('upstream_rate_limited') },
    ]);
  });

  it('keeps the lead free of credentials', async () => {
    const outbox = openOutbox();
    await outbox.enqueue(entry(1));

    const [claimed] = await outbox.claimDue(10_000, 1, 1);

    expect(Object.keys(claimed ?? {}).sort()).toEqual(['attempts', 'enqueuedAt', 'formId', 'lead', 'submissionId']);
  });
});

describe('startOutboxDrain', () => {
  it('drains on its interval until stopped', async () => {
    const outbox = openOutbox();
    const delivered: string[] = [];
    const timer = startOutboxDrain({
      outbox,
      deliver: async (item) => {
        delivered.push(item.submissionId);
        return undefined;
      },
      log: recordingLogger().log,
      intervalMs: 10,
    });

    await outbox.enqueue({ ...entry(1), enqueuedAt: Date.now() });
    await expect.poll(() => delivered.length, { timeout: 2_000 }).toBe(1);
    await timer.stop();
    await outbox.enqueue({ ...entry(2), enqueuedAt: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(delivered).toEqual([entry(1).submissionId]);
  });

  it('drainNow shares a run in progress', async () => {
    const outbox = openOutbox();
    await outbox.enqueue({ ...entry(1), enqueuedAt: Date.now() });
    let calls = 0;
    const timer = startOutboxDrain({
      outbox,
      deliver: async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
      log: recordingLogger().log,
      intervalMs: 60_000,
    });

    const [first, second] = await Promise.all([timer.drainNow(), timer.drainNow()]);
    await timer.stop();

    expect(first).toBe(second);
    expect(first).toEqual({ delivered: 1, retried: 0, dead: 0 });
    expect(calls).toBe(1);
  });

  it('logs a failing run and keeps its schedule', async () => {
    const outbox = openOutbox();
    const { log, lines } = recordingLogger();
    let claims = 0;
    const broken = Object.assign(Object.create(outbox) as SqliteOutbox, {
      claimDue: async () => {
        claims += 1;
        throw new Error('disk I/O error');
      },
    });

    const timer = startOutboxDrain({ outbox: broken, deliver: async () => undefined, log, intervalMs: 5 });
    await expect.poll(() => claims, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
    await timer.stop();

    expect(lines.find((line) => line.level === 'error')?.message).toBe('Outbox drain failed: Error: disk I/O error');
  });
});
