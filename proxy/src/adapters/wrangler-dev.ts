/**
 * Starts the Worker under `wrangler dev` on 127.0.0.1 for smoke tests and benchmarks. Node only;
 * the Worker itself runs in the workerd process that wrangler starts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIRECTORY = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WRANGLER_BIN = resolve(PACKAGE_DIRECTORY, '../node_modules/.bin/wrangler');

// Keeps wrangler offline: no telemetry, no error reports, no update check (it is part of the
// banner), and no download of Cloudflare's `cf` request metadata.
export const WRANGLER_OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: 'false',
  WRANGLER_SEND_ERROR_REPORTS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  WRANGLER_HIDE_BANNER: 'true',
} as const;

const READY_LINE = /Ready on (http:\/\/127\.0\.0\.1:\d+)/;

export interface WranglerDevOptions {
  /** Vars and secrets for the Worker, written to a temporary env file so secrets stay out of argv. */
  vars: Record<string, string>;
  /** Milliseconds to wait for "Ready on". Default 60000. */
  timeoutMs?: number;
  /** Receives every output line of wrangler. Default: dropped. */
  log?: (line: string) => void;
}

export interface RunningWranglerDev {
  /** Base URL such as `http://127.0.0.1:41234`, without a trailing slash. */
  url: string;
  /** Milliseconds from spawning wrangler until it printed its URL. */
  readyMs: number;
  /** Stops wrangler and its workerd process and removes the temporary state. */
  close(): Promise<void>;
}

/**
 * Runs `wrangler dev --ip 127.0.0.1 --port 0` in the proxy package with its own state directory,
 * so parallel runs never share ports or Durable Object storage.
 */
export async function startWranglerDev(options: WranglerDevOptions): Promise<RunningWranglerDev> {
  const scratch = mkdtempSync(join(tmpdir(), 'leadsync-wrangler-'));
  const envFile = join(scratch, 'worker.env');
  writeFileSync(envFile, formatEnvFile(options.vars), { mode: 0o600 });

  const args = ['dev', '--ip', '127.0.0.1', '--port', '0', '--inspector-port', '0', '--persist-to', join(scratch, 'state')];
  args.push('--env-file', envFile, '--show-interactive-dev-session=false', '--log-level', 'info');

  const started = performance.now();
  const child = spawn(WRANGLER_BIN, args, {
    cwd: PACKAGE_DIRECTORY,
    env: { ...process.env, ...WRANGLER_OFFLINE_ENV },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so closing it also stops the workerd child.
    detached: true,
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(scratch, { recursive: true, force: true });
  };

  try {
    const url = await waitForReadyLine(child, options);
    return { url, readyMs: Math.round(performance.now() - started), close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForReadyLine(child: ReturnType<typeof spawn>, options: WranglerDevOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const recentLines: string[] = [];

  return new Promise((resolveUrl, rejectStart) => {
    const timer = setTimeout(() => {
      rejectStart(new Error(`wrangler dev printed no "Ready on" line within ${timeoutMs} ms. Last output:\n${recentLines.join('\n')}`));
    }, timeoutMs);

    const onLine = (line: string) => {
      options.log?.(line);
      recentLines.push(line);
      if (recentLines.length > 20) recentLines.shift();

      const match = READY_LINE.exec(line);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolveUrl(match[1]);
    };
    readLines(child.stdout, onLine);
    readLines(child.stderr, onLine);

    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      rejectStart(new Error(`wrangler dev exited (${code ?? signal}) before it was ready. Last output:\n${recentLines.join('\n')}`));
    });
  });
}

function readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let pending = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    // Wrangler colours its output; the escape codes would split the URL.
    for (const line of lines) onLine(line.replace(/\u001b\[[0-9;]*m/g, ''));
  });
}

function formatEnvFile(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
    .join('');
}
