/**
 * `pnpm test`: builds the widget, runs every Vitest suite and the Playwright end-to-end suite,
 * and ends with one line `N passed, N failed` summed over all of them. Exits non-zero when any
 * test failed or any suite could not run.
 *
 * Pass suite names to run only those, e.g. `pnpm test proxy emulator`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { REPO_ROOT } from './stack.ts';

interface Suite {
  name: string;
  cwd: string;
  kind: 'vitest' | 'playwright';
  args: string[];
  env?: Record<string, string>;
  /** The suite runs only when this file exists (suites that later issues add). */
  requires?: string;
}

const SUITES: Suite[] = [
  { name: 'emulator', cwd: 'emulator', kind: 'vitest', args: [] },
  { name: 'proxy', cwd: 'proxy', kind: 'vitest', args: [] },
  { name: 'proxy-workerd', cwd: 'proxy', kind: 'vitest', args: ['--config', 'vitest.workers.config.ts'], requires: 'proxy/vitest.workers.config.ts' },
  { name: 'widget', cwd: 'widget', kind: 'vitest', args: [] },
  { name: 'e2e-soap', cwd: 'e2e', kind: 'playwright', args: [], env: { MARKETO_API: 'soap' } },
  { name: 'e2e-rest', cwd: 'e2e', kind: 'playwright', args: ['--grep', '@both-apis'], env: { MARKETO_API: 'rest' }, requires: 'proxy/src/marketo/rest' },
];

const RESULTS_DIR = join(REPO_ROOT, 'test-results');

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Returns the package's own binary when it has one (pnpm links `playwright` only into e2e/), else the root's. */
function bin(name: string, cwd = '.'): string {
  const own = join(REPO_ROOT, cwd, 'node_modules/.bin', name);
  return existsSync(own) ? own : join(REPO_ROOT, 'node_modules/.bin', name);
}

function readVitestCounts(file: string): Counts | undefined {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

function readPlaywrightCounts(file: string): Counts | undefined {
  if (!existsSync(file)) return undefined;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  return { passed: report.stats.expected + report.stats.flaky, failed: report.stats.unexpected, skipped: report.stats.skipped };
}

/** Checks whether a server can listen on 127.0.0.1:port right now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Finds three consecutive free ports for one Playwright run's emulator, proxy and demo. The search
 * stays below 32768, where Linux by default starts picking local ports for outgoing connections,
 * because a client socket can take such a port between this check and the demo's start.
 */
async function freePortBase(): Promise<number> {
  const first = 20_000 + (process.pid % 2_000) * 5;
  for (let step = 0; step < 2_000; step++) {
    const base = 20_000 + ((first - 20_000 + step * 5) % 10_000);
    const free = await Promise.all([base, base + 1, base + 2].map(canListen));
    if (free.every(Boolean)) return base;
  }
  throw new Error('Found no three consecutive free ports between 20000 and 29999 on 127.0.0.1. Stop servers that use them, or set LEADSYNC_E2E_PORT_BASE to a free base port.');
}

async function runSuite(suite: Suite): Promise<Counts> {
  const report = join(RESULTS_DIR, `${suite.name}.json`);
  rmSync(report, { force: true });
  const command =
    suite.kind === 'vitest'
      ? [bin('vitest', suite.cwd), 'run', '--passWithNoTests', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...suite.args]
      : [bin('playwright', suite.cwd), 'test', '--reporter=list,json', ...suite.args];
  const playwrightEnv =
    suite.kind === 'playwright'
      ? { PLAYWRIGHT_JSON_OUTPUT_NAME: report, LEADSYNC_E2E_PORT_BASE: process.env.LEADSYNC_E2E_PORT_BASE ?? String(await freePortBase()) }
      : {};
  console.log(`\n=== ${suite.name}: ${command.slice(1).join(' ')} (in ${suite.cwd}/)`);
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: join(REPO_ROOT, suite.cwd),
    stdio: 'inherit',
    env: { ...process.env, ...suite.env, ...playwrightEnv },
  });
  const counts = suite.kind === 'vitest' ? readVitestCounts(report) : readPlaywrightCounts(report);
  if (!counts) {
    console.error(`${suite.name}: the runner exited with ${result.status ?? result.signal} and wrote no report; counted as 1 failed.`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  if (result.status !== 0 && counts.failed === 0) {
    console.error(`${suite.name}: the runner exited with ${result.status ?? result.signal} although no test failed (an error outside the tests); counted as 1 failed.`);
    return { ...counts, failed: 1 };
  }
  return counts;
}

mkdirSync(RESULTS_DIR, { recursive: true });
const requested = process.argv.slice(2);
const suites = SUITES.filter((suite) => (requested.length === 0 || requested.includes(suite.name)) && (!suite.requires || existsSync(join(REPO_ROOT, suite.requires))));

const build = spawnSync('pnpm', ['run', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
const total: Counts = { passed: 0, failed: build.status === 0 ? 0 : 1, skipped: 0 };
if (build.status !== 0) console.error('The widget build failed; counted as 1 failed.');

const rows: string[] = [];
for (const suite of suites) {
  const counts = await runSuite(suite);
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  rows.push(`${suite.name.padEnd(14)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
}

console.log(`\n${rows.join('\n')}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 ? 0 : 1);
