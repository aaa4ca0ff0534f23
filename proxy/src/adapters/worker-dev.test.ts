import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startWranglerDev, type RunningWranglerDev } from './wrangler-dev.js';
import { hasEmulator, startTestEmulator, type EmulatorLead, type RunningEmulator } from '../testing/emulator.js';

/**
 * Smoke test of the Worker under `wrangler dev` on 127.0.0.1: the same HTTP API as the Node
 * server, sending to the real emulator started on an ephemeral port.
 */

const ORIGIN = 'http://127.0.0.1:5173';
const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-67890';

describe.skipIf(!hasEmulator)('Worker under wrangler dev', () => {
  let emulator: RunningEmulator;
  let worker: RunningWranglerDev;
  const output: string[] = [];

  beforeAll(async () => {
    emulator = await startTestEmulator();
    worker = await startWranglerDev({
      vars: {
        MARKETO_SOAP_ENDPOINT: `${emulator.url}/soap/mktows/2_9`,
        MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
        LEADSYNC_BASE_PATH: '/_leadsync',
      },
      log: (line) => output.push(line),
    });
  }, 90_000);

  afterAll(async () => {
    await worker?.close();
    await emulator?.close();
  });

  it('serves /healthz under the base path', async () => {
    const response = await fetch(`${worker.url}/_leadsync/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('delivers a submission to the emulator', async () => {
    const email = `wrangler-dev-${Date.now()}@example.test`;

    const response = await fetch(`${worker.url}/_leadsync/v1/forms/contact/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ submissionId: crypto.randomUUID(), fields: { email, firstName: 'Ana' }, mktoTrk: COOKIE }),
    });
    const leads = (await (await fetch(`${emulator.url}/_emulator/leads`)).json()) as EmulatorLead[];
    const stored = leads.filter((lead) => lead.email === email);

    expect(response.status, output.slice(-10).join('\n')).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'created' });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.cookies).toEqual([COOKIE]);
  });

  it('keeps the encryption key out of its output', () => {
    expect(output.join('\n')).not.toContain('demo-encryption-key');
  });
});
