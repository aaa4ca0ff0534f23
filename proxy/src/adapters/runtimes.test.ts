import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hasEmulator, startTestEmulator, type RunningEmulator } from '../testing/emulator.js';

/**
 * Smoke tests of the Deno and Bun entries: each runtime serves the same app and sends a
 * submission to the real emulator. The runtimes come from the optional dependencies
 * `@deno/linux-x64-glibc` and `@oven/bun-linux-x64`, which install on Linux x64 only.
 */

const PACKAGE_DIRECTORY = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN_TOKEN = 'runtime-smoke-test-token-0123456789abcdef';
const ORIGIN = 'https://www.example.test';

interface Runtime {
  name: 'deno' | 'bun';
  binary: string;
  args: string[];
}

const RUNTIMES: Runtime[] = [
  {
    name: 'deno',
    binary: `${PACKAGE_DIRECTORY}node_modules/@deno/linux-x64-glibc/deno`,
    args: ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-write', '--allow-sys', '--unstable-sloppy-imports', 'src/adapters/deno.ts'],
  },
  { name: 'bun', binary: `${PACKAGE_DIRECTORY}node_modules/@oven/bun-linux-x64/bin/bun`, args: ['src/adapters/bun.ts'] },
];

interface RunningEntry {
  url: string;
  child: ChildProcess;
  lines: string[];
}

for (const runtime of RUNTIMES) {
  const installed = existsSync(runtime.binary);
  if (!installed) console.warn(`Skipping the ${runtime.name} smoke test: ${runtime.binary} is not installed (optional dependency for Linux x64).`);

  describe.skipIf(!installed || !hasEmulator)(`${runtime.name} entry`, () => {
    let emulator: RunningEmulator;
    let entry: RunningEntry;
    let directory: string;

    beforeAll(async () => {
      emulator = await startTestEmulator();
      directory = mkdtempSync(join(tmpdir(), `leadsync-${runtime.name}-`));
      entry = await startEntry(runtime, {
        MARKETO_API: 'soap',
        MARKETO_SOAP_ENDPOINT: `${emulator.url}/soap/mktows/2_9`,
        MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
        MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
        MARKETO_MUNCHKIN_ID: '123-ABC-456',
        ALLOWED_ORIGINS: 'https://www.example.test',
        LEADSYNC_BASE_PATH: '/_leadsync',
        LEADSYNC_OUTBOX_PATH: join(directory, 'outbox.sqlite'),
        LEADSYNC_OUTBOX_DRAIN_INTERVAL_MS: '300',
        LEADSYNC_DELIVERY_TIMEOUT_MS: '1000',
        LEADSYNC_ADMIN_TOKEN: ADMIN_TOKEN,
        HOST: '127.0.0.1',
        PORT: '0',
      });
    }, 60_000);

    afterAll(async () => {
      await stopEntry(entry);
      await emulator?.close();
      if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
    });

    function submit(email: string): Promise<Response> {
      return fetch(`${entry.url}/_leadsync/v1/forms/contact/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
        body: JSON.stringify({ submissionId: crypto.randomUUID(), fields: { email } }),
      });
    }

    async function setFaultQueue(queue: unknown[]): Promise<void> {
      const response = await fetch(`${emulator.url}/_emulator/config`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ faults: { queue } }),
      });
      expect(response.status).toBe(200);
    }

    async function leadCount(email: string): Promise<number> {
      const leads = (await (await fetch(`${emulator.url}/_emulator/leads`)).json()) as Array<{ email: string | null }>;
      return leads.filter((lead) => lead.email === email).length;
    }

    it('serves /healthz under the base path', async () => {
      const response = await fetch(`${entry.url}/_leadsync/healthz`);

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    });

    it('delivers a submission to the emulator', async () => {
      const email = `${runtime.name}-${Date.now()}@example.test`;

      const response = await submit(email);

      expect(response.status, entry.lines.join('\n')).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'created' });
      expect(await leadCount(email)).toBe(1);
    });

    it('queues in its SQLite outbox and drains later', async () => {
      const email = `${runtime.name}-queued-${Date.now()}@example.test`;
      await setFaultQueue([{ kind: 'html500', count: 1000 }]);

      const response = await submit(email);
      await setFaultQueue([]);

      expect(response.status, entry.lines.join('\n')).toBe(202);
      expect(await response.json()).toMatchObject({ status: 'queued' });
      await expect.poll(() => leadCount(email), { timeout: 10_000, interval: 200 }).toBe(1);
      const stats = await fetch(`${entry.url}/_leadsync/admin/outbox`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
      expect(await stats.json()).toMatchObject({ pending: 0, dead: 0 });
    });

    it('logs its start with the runtime name', () => {
      const started = entry.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.message === 'Proxy started');

      expect(started).toMatchObject({ runtime: runtime.name, api: 'soap' });
    });
  });
}

function startEntry(runtime: Runtime, env: Record<string, string>): Promise<RunningEntry> {
  const child = spawn(runtime.binary, runtime.args, {
    cwd: PACKAGE_DIRECTORY,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const errors: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => errors.push(chunk));

  return new Promise((resolveEntry, rejectEntry) => {
    const timer = setTimeout(() => rejectEntry(new Error(`${runtime.name} did not log "Proxy started" within 30 s: ${errors.join('')}`)), 30_000);
    let pending = '';

    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete.filter((text) => text.startsWith('{'))) {
        lines.push(line);
        const url = (JSON.parse(line) as { url?: string }).url;
        if (url === undefined) continue;
        clearTimeout(timer);
        resolveEntry({ url, child, lines });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectEntry(new Error(`${runtime.name} exited with ${code} before it listened: ${errors.join('')}`));
    });
  });
}

async function stopEntry(entry: RunningEntry | undefined): Promise<void> {
  if (entry === undefined || entry.child.exitCode !== null) return;
  const exited = new Promise((resolveExit) => entry.child.once('exit', resolveExit));
  entry.child.kill('SIGTERM');
  await exited;
}
