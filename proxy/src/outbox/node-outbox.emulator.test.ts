import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startProxy, type RunningProxy } from '../adapters/node.js';
import type { Env } from '../config.js';
import { silentLogger } from '../log.js';
import { hasEmulator, startTestEmulator, type EmulatorLead, type RunningEmulator } from '../testing/emulator.js';

/**
 * The Node proxy's outbox end to end: the emulator fails every call, the submission gets
 * 202 queued, the proxy restarts, and the drain delivers the stored submission exactly once.
 */

const ADMIN_TOKEN = 'node-outbox-test-token-0123456789abcdef';
const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-13579';
const ORIGIN = 'https://www.example.test';

describe.skipIf(!hasEmulator)('Node proxy outbox against the emulator', () => {
  let emulator: RunningEmulator;
  let directory: string;
  const proxies: RunningProxy[] = [];

  beforeAll(async () => {
    emulator = await startTestEmulator();
    directory = mkdtempSync(join(tmpdir(), 'leadsync-node-outbox-'));
  });

  beforeEach(async () => {
    await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });
  });

  afterAll(async () => {
    for (const proxy of proxies) await proxy.close();
    await emulator?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  function env(outboxName: string): Env {
    return {
      MARKETO_API: 'soap',
      MARKETO_SOAP_ENDPOINT: `${emulator.url}/soap/mktows/2_9`,
      MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
      MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
      MARKETO_MUNCHKIN_ID: '123-ABC-456',
      ALLOWED_ORIGINS: ORIGIN,
      HOST: '127.0.0.1',
      LEADSYNC_OUTBOX_PATH: join(directory, outboxName),
      // The test drains by hand.
      LEADSYNC_OUTBOX_DRAIN_INTERVAL_MS: '3600000',
      LEADSYNC_DELIVERY_TIMEOUT_MS: '2000',
      LEADSYNC_ADMIN_TOKEN: ADMIN_TOKEN,
    };
  }

  async function start(outboxName: string): Promise<RunningProxy> {
    const proxy = await startProxy({ env: env(outboxName), port: 0, log: silentLogger });
    proxies.push(proxy);
    return proxy;
  }

  async function failEveryCall(): Promise<void> {
    const response = await fetch(`${emulator.url}/_emulator/config`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ faults: { queue: [{ kind: 'html500', count: 1000 }] } }),
    });
    expect(response.status).toBe(200);
  }

  async function leadsWithEmail(email: string): Promise<EmulatorLead[]> {
    const leads = (await (await fetch(`${emulator.url}/_emulator/leads`)).json()) as EmulatorLead[];
    return leads.filter((lead) => lead.email === email);
  }

  async function outboxStats(proxy: RunningProxy): Promise<{ pending: number; dead: number }> {
    const response = await fetch(`${proxy.url}/admin/outbox`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    return (await response.json()) as { pending: number; dead: number };
  }

  function submit(proxy: RunningProxy, submissionId: string, email: string): Promise<Response> {
    return fetch(`${proxy.url}/v1/forms/contact/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ submissionId, fields: { email, firstName: 'Zoë' }, mktoTrk: COOKIE }),
    });
  }

  it('queues while Marketo fails and delivers after a restart', async () => {
    const email = 'queued-restart@example.test';
    const submissionId = crypto.randomUUID();
    await failEveryCall();

    const before = await start('restart.sqlite');
    const response = await submit(before, submissionId, email);
    const stats = await outboxStats(before);
    await before.close();
    proxies.splice(proxies.indexOf(before), 1);
    await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' });

    const after = await start('restart.sqlite');
    await after.drainOutbox();
    const leads = await leadsWithEmail(email);

    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ submissionId, status: 'queued' });
    expect(stats).toMatchObject({ pending: 1, dead: 0 });
    expect(leads).toHaveLength(1);
    expect(leads[0]?.cookies).toEqual([COOKIE]);
    expect(await outboxStats(after)).toMatchObject({ pending: 0, dead: 0 });
  });

  it('holds calls after a daily-quota fault', async () => {
    await fetch(`${emulator.url}/_emulator/config`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ faults: { queue: [{ kind: 'fault', code: 20015, transport: 'soap', count: 1 }] } }),
    });
    const proxy = await start('quota.sqlite');

    const first = await submit(proxy, crypto.randomUUID(), 'quota-first@example.test');
    const second = await submit(proxy, crypto.randomUUID(), 'quota-second@example.test');
    await proxy.drainOutbox();
    const calls = (await (await fetch(`${emulator.url}/_emulator/calls`)).json()) as Array<{ operation: string | null; code?: number }>;

    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(await second.json()).toMatchObject({ status: 'queued' });
    expect(calls.map((call) => call.code)).toEqual([20015]);
    expect(await outboxStats(proxy)).toMatchObject({ pending: 2, dead: 0 });
  });

  it('answers a repeated queued submission without a second entry', async () => {
    const email = 'queued-twice@example.test';
    const submissionId = crypto.randomUUID();
    await failEveryCall();
    const proxy = await start('repeat.sqlite');

    const first = await submit(proxy, submissionId, email);
    const second = await submit(proxy, submissionId, email);

    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(await outboxStats(proxy)).toMatchObject({ pending: 1 });
  });
});
