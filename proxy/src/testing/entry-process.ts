import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The proxy package folder, where the entries run, so relative paths such as `src/adapters/…` resolve. */
export const PACKAGE_DIRECTORY = fileURLToPath(new URL('../..', import.meta.url));

/** A proxy entry running as its own process. */
export interface RunningEntry {
  url: string;
  child: ChildProcess;
  /** Every JSON log line the entry wrote to standard output so far. */
  lines: string[];
}

/**
 * Starts `binary args` in the proxy package with only `env` (plus PATH and HOME) and resolves
 * once the entry logs a line with its `url`. Rejects when it exits first or stays silent for 30 s.
 */
export function startEntryProcess(name: string, binary: string, args: string[], env: Record<string, string>): Promise<RunningEntry> {
  const child = spawn(binary, args, {
    cwd: PACKAGE_DIRECTORY,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const errors: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => errors.push(chunk));

  return new Promise((resolveEntry, rejectEntry) => {
    const timer = setTimeout(() => rejectEntry(new Error(`${name} did not log "Proxy started" within 30 s: ${errors.join('')}`)), 30_000);
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
      rejectEntry(new Error(`${name} exited with ${code} before it listened: ${errors.join('')}`));
    });
  });
}

/** Sends SIGTERM and waits for the entry to exit. */
export async function stopEntryProcess(entry: RunningEntry | undefined): Promise<void> {
  if (entry === undefined || entry.child.exitCode !== null) return;
  const exited = new Promise((resolveExit) => entry.child.once('exit', resolveExit));
  entry.child.kill('SIGTERM');
  await exited;
}
