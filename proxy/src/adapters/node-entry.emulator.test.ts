import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hasEmulator, startTestEmulator, type RunningEmulator } from '../testing/emulator.js';
import { startEntryProcess } from '../testing/entry-process.js';

/**
 * The Node entry as a process, stopped by signals while the emulator replies slowly. The
 * requests in flight get their responses, also when a second signal arrives.
 */

const ORIGIN = 'https://www.example.test';

describe.skipIf(!hasEmulator)('Node entry stopped by signals', () => {
  let emulator: RunningEmulator;
  let directory: string;

  beforeAll(async () => {
    emulator = await startTestEmulator();
    directory = mkdtempSync(join(tmpdir(), 'leadsync-node-entry-'));
  });

  afterAll(async () => {
    await emulator?.close();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('responds in flight through two SIGTERMs', async () => {
    await fetch(`${emulator.url}/_emulator/config`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ faults: { latencyMs: 1500 } }),
    });
    const entry = await startEntryProcess('The Node entry', process.execPath, ['--import', 'tsx', 'src/adapters/node.ts'], {
      MARKETO_API: 'soap',
      MARKETO_SOAP_ENDPOINT: `${emulator.url}/soap/mktows/2_9`,
      MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
      MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
      MARKETO_MUNCHKIN_ID: '123-ABC-456',
      ALLOWED_ORIGINS: ORIGIN,
      LEADSYNC_OUTBOX_PATH: join(directory, 'outbox.sqlite'),
      LEADSYNC_DELIVERY_TIMEOUT_MS: '8000',
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const exited = new Promise<number | null>((resolveExit) => entry.child.once('exit', resolveExit));

    const response = fetch(`${entry.url}/v1/forms/contact/submissions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ submissionId: crypto.randomUUID(), fields: { email: 'two-signals@example.test' } }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    entry.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    entry.child.kill('SIGTERM');

    expect((await response).status).toBe(200);
    expect(await exited).toBe(0);
    expect(entry.lines.some((line) => (JSON.parse(line) as { message?: string }).message === 'Proxy stopped')).toBe(true);
  }, 30_000);
});
