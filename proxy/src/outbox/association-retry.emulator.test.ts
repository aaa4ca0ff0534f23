import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startProxy, type RunningProxy } from '../adapters/node.js';
import type { Env } from '../config.js';
import type { Logger } from '../log.js';
import type { UpstreamFetch } from '../marketo/upstream-fetch.js';
import { configureEmulator, hasEmulator, startTestEmulator, type EmulatorLead, type RunningEmulator } from '../testing/emulator.js';
import type { DeadLetterView } from './admin-routes.js';

/**
 * A failed REST cookie association, end to end on Node: the emulator fails the Associate Lead
 * calls of a submission, the visitor gets 200 `association_failed`, and the outbox's association
 * job joins the cookie on a later drain. The faults are injected into the emulator right before
 * the proxy sends its first Associate Lead call, so Sync Leads is never hit by them.
 */

const ADMIN_TOKEN = 'association-test-token-0123456789abcdef';
const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-24680';
const ORIGIN = 'https://www.example.test';

interface CallRecord {
  operation: string | null;
  outcome: string;
  code?: number;
}

type LogLine = { level: string; message: string } & Record<string, unknown>;
type Fault = Record<string, unknown>;

describe.skipIf(!hasEmulator)('association jobs against the emulator', () => {
  let emulator: RunningEmulator;
  let directory: string;
  let proxy: RunningProxy | undefined;
  let lines: LogLine[] = [];
  let associateFaults: Fault[] | undefined;

  const log: Logger = { log: (level, message, fields) => lines.push({ level, message, ...fields }) };

  /** Sends the proxy's upstream requests, after injecting `associateFaults` before the next Associate Lead call. */
  const upstreamFetch: UpstreamFetch = async (url, init) => {
    if (associateFaults !== undefined && url.includes('/associate.json')) {
      const queue = associateFaults;
      associateFaults = undefined;
      await configure({ faults: { queue: queue.map((fault) => ({ transport: 'rest', ...fault })) } });
    }
    return fetch(url, init);
  };

  beforeAll(async () => {
    emulator = await startTestEmulator();
    directory = mkdtempSync(join(tmpdir(), 'leadsync-association-'));
  });

  beforeEach(async () => {
    lines = [];
    associateFaults = undefined;
    await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
  });

  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  afterAll(async () => {
    await emulator?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  async function start(overrides: Env = {}): Promise<RunningProxy> {
    const env: Env = {
      MARKETO_API: 'rest',
      MARKETO_REST_ENDPOINT: emulator.url,
      MARKETO_CLIENT_ID: 'demo-client-id',
      MARKETO_CLIENT_SECRET: 'demo-client-secret',
      MARKETO_MUNCHKIN_ID: '123-ABC-456',
      ALLOWED_ORIGINS: ORIGIN,
      HOST: '127.0.0.1',
      LEADSYNC_OUTBOX_PATH: join(directory, `${crypto.randomUUID()}.sqlite`),
      // The tests drain by hand; 100 ms is the shortest backoff the configuration accepts.
      LEADSYNC_OUTBOX_DRAIN_INTERVAL_MS: '3600000',
      LEADSYNC_OUTBOX_RETRY_BASE_MS: '100',
      LEADSYNC_ADMIN_TOKEN: ADMIN_TOKEN,
      ...overrides,
    };
    proxy = await startProxy({ env, port: 0, log, fetch: upstreamFetch });
    return proxy;
  }

  function configure(patch: unknown): Promise<void> {
    return configureEmulator(emulator.url, patch);
  }

  async function visit(url: string): Promise<void> {
    await fetch(`${emulator.url}/webevents/visitWebPage?${new URLSearchParams({ _mchCk: COOKIE, _mchUrl: url })}`);
  }

  async function leadWithEmail(email: string): Promise<EmulatorLead | undefined> {
    const leads = (await (await fetch(`${emulator.url}/_emulator/leads`)).json()) as EmulatorLead[];
    return leads.find((lead) => lead.email === email);
  }

  async function associateCalls(): Promise<string[]> {
    const calls = (await (await fetch(`${emulator.url}/_emulator/calls`)).json()) as CallRecord[];
    return calls.filter((call) => call.operation === 'associateLead').map((call) => call.outcome);
  }

  function admin(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${proxy?.url}${path}`, { ...init, headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  }

  async function outboxStats(): Promise<{ pending: number; dead: number }> {
    return (await (await admin('/admin/outbox')).json()) as { pending: number; dead: number };
  }

  async function deadLetters(): Promise<DeadLetterView[]> {
    return ((await (await admin('/admin/outbox/dead-letters')).json()) as { deadLetters: DeadLetterView[] }).deadLetters;
  }

  function submit(running: RunningProxy, submissionId: string, email: string): Promise<Response> {
    return fetch(`${running.url}/v1/forms/contact/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ submissionId, fields: { email, firstName: 'Zoë' }, mktoTrk: COOKIE }),
    });
  }

  /** Drains until the lead has the cookie. The job's backoff is 50 to 100 ms. */
  async function drainUntilAssociated(running: RunningProxy, email: string): Promise<void> {
    await expect
      .poll(
        async () => {
          await running.drainOutbox();
          return (await leadWithEmail(email))?.cookies;
        },
        { timeout: 10_000, interval: 100 },
      )
      .toEqual([COOKIE]);
  }

  it('associates the cookie on a later drain after rate limits', async () => {
    const running = await start();
    const email = 'rate-limited@example.test';
    const submissionId = crypto.randomUUID();
    await visit('https://www.example.test/pricing');
    // The REST client tries Associate Lead three times at once; all three meet 606.
    associateFaults = [{ kind: 'fault', code: 606, count: 3 }];

    const response = await submit(running, submissionId, email);
    const body = (await response.json()) as { leadId: number; cookie: string };
    const before = await leadWithEmail(email);
    const statsBefore = await outboxStats();
    await drainUntilAssociated(running, email);
    const after = await leadWithEmail(email);

    expect(response.status).toBe(200);
    expect(body).toMatchObject({ submissionId, status: 'created', cookie: 'association_failed' });
    expect(before?.cookies).toEqual([]);
    expect(statsBefore).toMatchObject({ pending: 1, dead: 0 });
    expect(after).toMatchObject({ id: body.leadId, anonymous: false });
    expect(after?.visits.map((entry) => entry.url)).toEqual(['https://www.example.test/pricing']);
    expect(await associateCalls()).toEqual(['injected', 'injected', 'injected', 'ok']);
    expect(await outboxStats()).toMatchObject({ pending: 0, dead: 0 });
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'Cookie associated after a retry', submissionId, leadId: body.leadId }));
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: expect.stringContaining('keeps an association job'), submissionId, faultCode: 606 }),
    );
  });

  it.each([1004, 1012])('stores no job after a non-retryable %i', async (code) => {
    const running = await start();
    const email = `rejected-${code}@example.test`;
    const submissionId = crypto.randomUUID();
    associateFaults = [{ kind: 'fault', code }];

    const response = await submit(running, submissionId, email);
    await running.drainOutbox();

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'created', cookie: 'association_failed' });
    expect(await outboxStats()).toMatchObject({ pending: 0, dead: 0 });
    expect(await associateCalls()).toEqual(['injected']);
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toEqual([expect.objectContaining({ message: expect.stringContaining('not retried'), submissionId, faultCode: code })]);
  });

  it('dead-letters a job that keeps failing and replays it', async () => {
    const running = await start({ LEADSYNC_OUTBOX_MAX_ATTEMPTS: '2' });
    const email = 'keeps-failing@example.test';
    const submissionId = crypto.randomUUID();
    // Three quick tries of the submission, then one call for each of the job's two attempts.
    associateFaults = [{ kind: 'fault', code: 615, count: 5 }];

    const response = await submit(running, submissionId, email);
    const { leadId } = (await response.json()) as { leadId: number };
    await expect
      .poll(
        async () => {
          await running.drainOutbox();
          return (await outboxStats()).dead;
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(1);
    const letters = await deadLetters();
    const replay = await admin(`/admin/outbox/dead-letters/${submissionId}/replay`, { method: 'POST' });
    await drainUntilAssociated(running, email);

    expect(letters).toEqual([
      expect.objectContaining({ submissionId, kind: 'associate', leadId, email: null, attempts: 2, lastError: expect.stringContaining('615') }),
    ]);
    expect(JSON.stringify(letters)).not.toContain('_mch-');
    expect(replay.status).toBe(202);
    expect(await associateCalls()).toEqual(['injected', 'injected', 'injected', 'injected', 'injected', 'ok']);
    expect(await outboxStats()).toMatchObject({ pending: 0, dead: 0 });
  });

  it('turns a queued delivery into an association job', async () => {
    const running = await start();
    const email = 'queued-first@example.test';
    const submissionId = crypto.randomUUID();
    await configure({ faults: { queue: [{ kind: 'html500', count: 1000 }] } });

    const response = await submit(running, submissionId, email);
    await configure({ faults: { queue: [] } });
    associateFaults = [{ kind: 'fault', code: 608, count: 3 }];
    await running.drainOutbox();
    const delivered = await leadWithEmail(email);
    const statsBetween = await outboxStats();
    await drainUntilAssociated(running, email);

    expect(response.status).toBe(202);
    expect(delivered?.cookies).toEqual([]);
    expect(statsBetween).toMatchObject({ pending: 1, dead: 0 });
    expect(await associateCalls()).toEqual(['injected', 'injected', 'injected', 'ok']);
    expect(lines).toContainEqual(expect.objectContaining({ message: 'Cookie associated after a retry', submissionId, leadId: delivered?.id }));
  });
});
