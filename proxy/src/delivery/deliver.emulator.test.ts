/**
 * Delivery against the real emulator: a reply held past the timeout after the write, a
 * connection dropped after the write, and the emulator's concurrency and rate limits. The
 * emulator shares no code with the proxy, so it checks the proxy's limits from outside.
 */

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createApp, type AppDeps } from '../app.js';
import { loadConfig, type Env } from '../config.js';
import { silentLogger } from '../log.js';
import { DEMO_FORMS, postSubmission } from '../testing/app-harness.js';
import { CallLimiter } from './call-limiter.js';
import { createRetryPolicy } from './retry-policy.js';
import { configureEmulator, EMULATOR_PATH, hasEmulator, startTestEmulator, type EmulatorLead, type RunningEmulator } from '../testing/emulator.js';

if (!hasEmulator) console.warn(`Skipping delivery emulator tests: ${EMULATOR_PATH} does not exist.`);

interface EmulatorCall {
  operation: string | null;
  outcome: 'ok' | 'fault' | 'injected';
  code?: number;
  status?: 'created' | 'updated';
}

const ORIGIN = 'http://127.0.0.1:5173';

describe.skipIf(!hasEmulator)('delivery against the emulator', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  beforeEach(async () => {
    expect((await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' })).status).toBe(200);
  });

  function configure(patch: unknown): Promise<void> {
    return configureEmulator(emulator.url, patch);
  }

  async function leadsWith(email: string): Promise<EmulatorLead[]> {
    const leads = (await (await fetch(`${emulator.url}/_emulator/leads`)).json()) as EmulatorLead[];
    return leads.filter((lead) => lead.email === email);
  }

  async function calls(): Promise<EmulatorCall[]> {
    return ((await (await fetch(`${emulator.url}/_emulator/calls`)).json()) as EmulatorCall[]).filter((call) => call.operation === 'syncLead');
  }

  function app(env: Env = {}, deps: Partial<AppDeps> = {}) {
    const config = loadConfig({
      MARKETO_API: 'soap',
      MARKETO_SOAP_ENDPOINT: `${emulator.url}/soap/mktows/2_9`,
      MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
      MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
      MARKETO_MUNCHKIN_ID: '123-ABC-456',
      ALLOWED_ORIGINS: ORIGIN,
      RATE_LIMIT_PER_ADDRESS: '0',
      ...env,
    });
    return createApp({ config, forms: DEMO_FORMS, log: silentLogger, retryPolicy: createRetryPolicy({ random: () => 0 }), ...deps });
  }

  function body(email: string) {
    return {
      submissionId: crypto.randomUUID(),
      fields: { email, firstName: 'Ana' },
      mktoTrk: `id:123-ABC-456&token:_mch-example.test-1700000000000-${String(Math.floor(Math.random() * 90_000) + 10_000)}`,
      signals: { honeypot: '', elapsedMs: 5000 },
    };
  }

  function post(target: ReturnType<typeof app>, submission: unknown) {
    return postSubmission(target, submission, { Origin: ORIGIN });
  }

  it('keeps one lead when the reply is held past the timeout', async () => {
    const holdReplyMs = 900;
    await configure({ faults: { holdReplyMs } });
    let attempts = 0;
    // After the first call timed out, the emulator stops holding replies, as a recovered network would.
    const recoveringFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      attempts += 1;
      try {
        return await fetch(input, init);
      } catch (error) {
        if (attempts === 1) await configure({ faults: { holdReplyMs: 0 } });
        throw error;
      }
    }) as typeof fetch;
    const target = app({ MARKETO_TIMEOUT_MS: '300' }, { fetch: recoveringFetch });

    const response = await post(target, body('held@example.test'));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'updated', cookie: 'associated' });
    expect(attempts).toBe(2);
    expect(await leadsWith('held@example.test')).toHaveLength(1);
    expect((await calls()).map((call) => call.status)).toEqual(['created', 'updated']);

    // The held call keeps one of the emulator's concurrency slots until its reply is sent. The
    // hold began before the first attempt timed out, so it ends within holdReplyMs from now.
    await new Promise((resolve) => setTimeout(resolve, holdReplyMs));
  });

  it('keeps one lead when the connection drops after the write', async () => {
    await configure({ faults: { queue: [{ kind: 'dropAfterApply', count: 1 }] } });

    const response = await post(app(), body('dropped@example.test'));

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'updated' });
    expect(await leadsWith('dropped@example.test')).toHaveLength(1);
  });

  it('stays within the concurrency limit of 10 calls', async () => {
    await configure({ faults: { latencyMs: 80 } });
    const target = app();

    const responses = await Promise.all(Array.from({ length: 25 }, (_, index) => post(target, body(`c${index}@example.test`))));

    expect(responses.map((response) => response.status)).toEqual(new Array(25).fill(200));
    const syncCalls = await calls();
    expect(syncCalls.filter((call) => call.outcome !== 'ok')).toEqual([]);
    expect(syncCalls).toHaveLength(25);
  });

  it('paces calls within the rate window instead of drawing 20023', async () => {
    await configure({ limits: { rateLimit: { maxCalls: 5, windowSeconds: 1 } } });
    const limiter = new CallLimiter({ maxCallsPerWindow: 5, windowMs: 1000, queueTimeoutMs: 10_000 });
    const target = app({}, { limiter });
    const started = performance.now();

    const responses = await Promise.all(Array.from({ length: 12 }, (_, index) => post(target, body(`r${index}@example.test`))));

    expect(responses.map((response) => response.status)).toEqual(new Array(12).fill(200));
    expect((await calls()).filter((call) => call.outcome !== 'ok')).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2000);
  });

  it('retries an injected HTML 500 and creates one lead', async () => {
    await configure({ faults: { queue: [{ kind: 'html500', count: 2 }] } });

    const response = await post(app(), body('html@example.test'));

    expect(response.status).toBe(200);
    expect(await leadsWith('html@example.test')).toHaveLength(1);
  });
});
