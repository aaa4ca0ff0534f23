import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hasEmulator, startTestEmulator, type RunningEmulator } from '../testing/emulator.js';

/**
 * The Node entry as a process, stopped by signals while the emulator replies slowly. The
 * requests in flight get their responses, also when a second signal arrives.
 */

const PACKAGE_DIRECTORY = fileURLToPath(new URL('../..', import.meta.url));
const ORIGIN = 'https://www.example.test';

interface RunningEntry {
  url: string;
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
}

function startNodeEntry(env: Record<string, string>): Promise<RunningEntry> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/adapters/node.ts'], {
    cwd: PACKAGE_DIRECTORY,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  const errors: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => errors.push(chunk));

  return new Promise((resolveEntry, rejectEntry) => {
    const timer = setTimeout(() => rejectEntry(new Error(`The Node entry did not log "Proxy started" within 30 s: ${errors.join('')}`)), 30_000);
    let pending = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const text of complete.filter((line) => line.startsWith('{'))) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line.message !== 'Proxy started' || typeof line.url !== 'string') continue;
        clearTimeout(timer);
        resolveEntry({ url: line.url, child, lines });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectEntry(new Error(`The Node entry exited with ${code} before it listened: ${errors.join('')}`));
    });
  });
}

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

  it('answers a submission in flight through two SIGTERMs', async () => {
    await fetch(`${emulator.url}/_emulator/config`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ faults: { latencyMs: 1500 } }),
    });
    const entry = await startNodeEntry({
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
    expect(entry.lines.some((line) => line.message === 'Proxy stopped')).toBe(true);
  }, 30_000);
});
