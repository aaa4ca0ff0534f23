import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';

import { respondWithError } from '../http/error-response.js';
import type { Logger } from '../log.js';
import { createAdminRoutes } from './admin-routes.js';
import type { AssociationEntry, OutboxEntry } from './outbox.js';
import { SqliteOutbox } from './sqlite-outbox.js';

const TOKEN = 'test-admin-token-0123456789abcdef';
const outboxes: SqliteOutbox[] = [];
const directories: string[] = [];

afterEach(() => {
  for (const outbox of outboxes.splice(0)) outbox.close();
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function entry(index: number): OutboxEntry {
  return {
    submissionId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    formId: 'contact',
    lead: { email: `ana.${index}@example.test`, attributes: [{ name: 'FirstName', value: 'Ana' }] },
    enqueuedAt: Date.UTC(2026, 0, 15, 12, 0, index),
  };
}

function associationJob(index: number): AssociationEntry {
  const { submissionId, formId, enqueuedAt } = entry(index);
  return { kind: 'associate', submissionId, formId, enqueuedAt, leadId: 1001, cookie: 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345' };
}

async function harness() {
  const outbox = new SqliteOutbox({ path: ':memory:', now: () => Date.UTC(2026, 0, 16) });
  outboxes.push(outbox);
  await outbox.enqueue(entry(1));
  await outbox.enqueue(entry(2));
  await outbox.markDead(entry(1).submissionId, { attempts: 10, deadAt: Date.UTC(2026, 0, 15, 20), lastError: 'upstream_unavailable: down' });

  const lines: string[] = [];
  const log: Logger = { log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })) };
  const app = new Hono();
  app.route('/', createAdminRoutes({ token: TOKEN, deadLetters: outbox, stats: () => outbox.stats(), log }));
  app.onError((error, c) => respondWithError(c, error));

  const call = (path: string, init: RequestInit = {}, token = TOKEN) =>
    app.request(path, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });
  return { app, outbox, call, lines };
}

describe('admin routes authentication', () => {
  it('rejects a request without a token', async () => {
    const { app } = await harness();

    const response = await app.request('/admin/outbox/dead-letters');

    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="leadsync-admin"');
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('rejects a wrong token without echoing either token', async () => {
    const { call } = await harness();

    const response = await call('/admin/outbox', {}, 'wrong-token');
    const text = await response.text();

    expect(response.status).toBe(401);
    expect(text).not.toContain('wrong-token');
    expect(text).not.toContain(TOKEN);
  });

  it('rejects a token with a different case', async () => {
    const { call } = await harness();

    expect((await call('/admin/outbox', {}, TOKEN.toUpperCase())).status).toBe(401);
  });
});

describe('admin routes for dead letters', () => {
  it('GET /admin/outbox returns the counts', async () => {
    const { call } = await harness();

    const response = await call('/admin/outbox');

    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.json()).toEqual({ pending: 1, dead: 1, oldestPendingAt: entry(2).enqueuedAt });
  });

  it('lists dead letters with masked e-mail addresses', async () => {
    const { call } = await harness();

    const response = await call('/admin/outbox/dead-letters');
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toEqual({
      deadLetters: [
        {
          submissionId: entry(1).submissionId,
          formId: 'contact',
          kind: 'deliver',
          email: 'a***@example.test',
          leadId: null,
          attempts: 10,
          lastError: 'upstream_unavailable: down',
          enqueuedAt: '2026-01-15T12:00:01.000Z',
          deadAt: '2026-01-15T20:00:00.000Z',
        },
      ],
    });
    expect(text).not.toContain('ana.1@example.test');
  });

  it('lists an association job with its lead id', async () => {
    const { call, outbox } = await harness();
    await outbox.enqueueDeadLetter({ ...associationJob(3), attempts: 10, deadAt: Date.UTC(2026, 0, 15, 21), lastError: 'upstream_rate_limited: 606' });

    const response = await call('/admin/outbox/dead-letters');
    const text = await response.text();
    const listed = (JSON.parse(text) as { deadLetters: unknown[] }).deadLetters;

    expect(listed[1]).toEqual({
      submissionId: entry(3).submissionId,
      formId: 'contact',
      kind: 'associate',
      email: null,
      leadId: 1001,
      attempts: 10,
      lastError: 'upstream_rate_limited: 606',
      enqueuedAt: '2026-01-15T12:00:03.000Z',
      deadAt: '2026-01-15T21:00:00.000Z',
    });
    expect(text).not.toContain('_mch-');
  });

  it('lists dead letters whose payload cannot be read', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'leadsync-admin-'));
    directories.push(directory);
    const path = join(directory, 'outbox.sqlite');
    const outbox = new SqliteOutbox({ path, log: { log() {} } });
    outboxes.push(outbox);
    await outbox.enqueueDeadLetter({ ...entry(1), attempts: 2, deadAt: Date.UTC(2026, 0, 15, 20), lastError: 'upstream_rejected: 1006' });
    await outbox.enqueueDeadLetter({ ...associationJob(2), attempts: 10, deadAt: Date.UTC(2026, 0, 15, 21), lastError: 'upstream_rate_limited: 606' });
    const database = new Database(path);
    database.prepare('UPDATE outbox SET payload = ?').run('{broken');
    database.close();
    const app = new Hono();
    app.route('/', createAdminRoutes({ token: TOKEN, deadLetters: outbox, log: { log() {} } }));
    app.onError((error, c) => respondWithError(c, error));

    const response = await app.request('/admin/outbox/dead-letters', { headers: { Authorization: `Bearer ${TOKEN}` } });
    const listed = ((await response.json()) as { deadLetters: Array<Record<string, unknown>> }).deadLetters;

    expect(response.status).toBe(200);
    expect(listed.map((letter) => [letter.submissionId, letter.kind, letter.email, letter.leadId])).toEqual([
      [entry(1).submissionId, 'deliver', null, null],
      [entry(2).submissionId, 'associate', null, null],
    ]);
    expect(listed.map((letter) => letter.lastError)).toEqual([
      expect.stringMatching(/^invalid payload: not valid JSON.*; last delivery error: upstream_rejected: 1006$/),
      expect.stringMatching(/^invalid payload: not valid JSON.*; last delivery error: upstream_rate_limited: 606$/),
    ]);
  });

  it('replay queues an association job again', async () => {
    const { call, outbox } = await harness();
    await outbox.enqueueDeadLetter({ ...associationJob(3), attempts: 10, deadAt: Date.UTC(2026, 0, 15, 21), lastError: 'upstream_rate_limited: 606' });

    const response = await call(`/admin/outbox/dead-letters/${entry(3).submissionId}/replay`, { method: 'POST' });
    const claimed = await outbox.claimDue(Date.UTC(2026, 0, 16), 10, 1_000);

    expect(response.status).toBe(202);
    expect(claimed.find((item) => item.submissionId === entry(3).submissionId)).toEqual({ ...associationJob(3), attempts: 0 });
  });

  it('rejects an invalid limit', async () => {
    const { call } = await harness();

    const response = await call('/admin/outbox/dead-letters?limit=0');

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', message: expect.stringContaining('"0"') } });
  });

  it('replay queues the dead letter again', async () => {
    const { call, outbox, lines } = await harness();

    const response = await call(`/admin/outbox/dead-letters/${entry(1).submissionId}/replay`, { method: 'POST' });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ submissionId: entry(1).submissionId, status: 'queued' });
    expect(await outbox.stats()).toMatchObject({ pending: 2, dead: 0 });
    expect(lines.some((line) => line.includes('"Dead letter queued for delivery again"'))).toBe(true);
  });

  it('replay takes the submissionId in upper case', async () => {
    const { call, outbox } = await harness();

    const response = await call(`/admin/outbox/dead-letters/${entry(1).submissionId.toUpperCase()}/replay`, { method: 'POST' });

    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ submissionId: entry(1).submissionId, status: 'queued' });
    expect(await outbox.stats()).toMatchObject({ dead: 0 });
  });

  it('truncates a long invalid submissionId in the error', async () => {
    const { call } = await harness();

    const response = await call(`/admin/outbox/dead-letters/${'x'.repeat(7_000)}/replay`, { method: 'POST' });

    expect(response.status).toBe(400);
    expect((await response.text()).length).toBeLessThan(1_000);
  });

  it('drop deletes the dead letter', async () => {
    const { call, outbox } = await harness();

    const response = await call(`/admin/outbox/dead-letters/${entry(1).submissionId}`, { method: 'DELETE' });

    expect(response.status).toBe(204);
    expect(await outbox.stats()).toMatchObject({ pending: 1, dead: 0 });
  });

  it('returns 404 for a pending or unknown id', async () => {
    const { call } = await harness();

    const pending = await call(`/admin/outbox/dead-letters/${entry(2).submissionId}/replay`, { method: 'POST' });
    const unknown = await call(`/admin/outbox/dead-letters/${entry(9).submissionId}`, { method: 'DELETE' });

    expect(pending.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('rejects a submissionId that is not a UUID', async () => {
    const { call } = await harness();

    const response = await call('/admin/outbox/dead-letters/not-a-uuid', { method: 'DELETE' });

    expect(response.status).toBe(400);
  });
});

describe('admin routes with a wrong method', () => {
  it.each([
    ['/admin/outbox', 'POST', 'GET, HEAD'],
    ['/admin/outbox/dead-letters', 'DELETE', 'GET, HEAD'],
    ['/admin/outbox/dead-letters/00000000-0000-4000-8000-000000000001/replay', 'GET', 'POST'],
    ['/admin/outbox/dead-letters/00000000-0000-4000-8000-000000000001', 'GET', 'DELETE'],
  ])('answers 405 on %s to %s', async (path, method, allow) => {
    const { call } = await harness();

    const response = await call(path, { method });

    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe(allow);
    expect(await response.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });
});
