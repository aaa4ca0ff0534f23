/**
 * `pnpm bench:proxy`: throughput and p50/p99 latency of a form submission through the Leadsync
 * proxy to the Marketo emulator, measured in the same run beside
 *
 * - `pass-through`: a bare Hono route forwarding the same SOAP envelope bytes with fetch (the floor),
 * - `pass-through-http`: the same route forwarding with node:http, as the proxy's Node entry sends, and
 * - `soap-client`: a Hono route calling syncLead through the npm `soap` client.
 *
 * Every server runs in its own Node process on 127.0.0.1; this process only sends requests.
 * One unmeasured pass warms every server up. Then each round resets the emulator, raises its
 * limits, warms the target up and sends BENCH_REQUESTS requests (default 1500) with
 * BENCH_CONCURRENCY in flight (default 32). The targets take turns over BENCH_ROUNDS rounds
 * (default 3), so drift on a busy machine hits all of them alike. Every run stops by itself;
 * it takes some tens of seconds. BENCH_PROFILE_DIR=<folder> writes a CPU profile of each server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildSyncLeadEnvelope } from '../../proxy/src/marketo/soap/build-envelope.ts';
import { formatTimestamp } from '../../proxy/src/marketo/soap/format-timestamp.ts';
import { signRequest } from '../../proxy/src/marketo/soap/sign-request.ts';
import { quantile, runLoad, type LoadResult, type PreparedRequest } from './load.ts';

const REQUESTS = readCount('BENCH_REQUESTS', 1500);
const CONCURRENCY = readCount('BENCH_CONCURRENCY', 32);
const ROUNDS = readCount('BENCH_ROUNDS', 3);
// When set, every server process writes V8 CPU profiles (`*.cpuprofile`) into <folder>/<server> on exit.
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const WARMUP_REQUESTS = 200;
const DISTINCT_LEADS = 4 * CONCURRENCY;

const USER_ID = 'leadsync_demo_1A2B3C4D5E6F';
const ENCRYPTION_KEY = 'demo-encryption-key';
const MUNCHKIN_ID = '123-ABC-456';
const ORIGIN = 'http://127.0.0.1:5173';

type TargetName = 'leadsync-proxy' | 'pass-through' | 'pass-through-http' | 'soap-client';
const TARGETS: readonly TargetName[] = ['leadsync-proxy', 'pass-through', 'pass-through-http', 'soap-client'];

function readCount(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} is invalid: expected a positive integer, got "${text}".`);
  return value;
}

interface RunningServer {
  url: string;
  child: ChildProcess;
}

/**
 * Starts `servers/<name>.ts` in its own Node process and resolves with the URL it announces over
 * IPC. Its standard output goes to `logFile`: the proxy writes one JSON line per submission, and
 * Node writes to a pipe synchronously, so a pipe read by this busy process would slow the proxy.
 */
function startServer(name: string, env: Record<string, string>, logFile: string): Promise<RunningServer> {
  const entry = fileURLToPath(new URL(`./servers/${name}.ts`, import.meta.url));
  const output = openSync(logFile, 'a');
  // One folder per server: tsx's loader thread writes a profile of its own beside the main thread's.
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(PROFILE_DIR, name)}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', output, 'inherit', 'ipc'],
  });
  closeSync(output);

  return new Promise((resolve, reject) => {
    child.once('message', (message: { ready?: string }) => {
      if (typeof message.ready === 'string') resolve({ url: message.ready, child });
    });
    child.once('exit', (code) => reject(new Error(`bench server ${name} exited with code ${code} before it announced its URL`)));
  });
}

// Linux reports process CPU time in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Returns the CPU time a process has used so far, user plus system, in ms, from
 * `/proc/<pid>/stat`; undefined where there is no `/proc` (not Linux).
 */
function cpuTimeMs(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  // Fields after the parenthesized command name; utime and stime are fields 14 and 15 of the line.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1000;
}

function stopServer(server: RunningServer): Promise<void> {
  if (server.child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.child.once('exit', () => resolve());
    server.child.kill('SIGTERM');
  });
}

async function resetEmulator(emulatorUrl: string): Promise<void> {
  await post(`${emulatorUrl}/_emulator/reset`, '');
  // Marketo's own limits (100 calls per 20 s, 10 concurrent) would measure the limits, not the code.
  await post(
    `${emulatorUrl}/_emulator/config`,
    JSON.stringify({ limits: { dailyQuota: 100_000_000, rateLimit: { maxCalls: 100_000_000, windowSeconds: 20 }, maxConcurrentCalls: 10_000 } }),
  );
}

async function post(url: string, body: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  if (!response.ok) throw new Error(`POST ${url} failed with HTTP ${response.status}: ${await response.text()}`);
}

interface Lead {
  submissionId: string;
  email: string;
  cookie: string;
}

/**
 * Returns `count` submissions for `DISTINCT_LEADS` visitors in turn, each with its own address
 * and cookie, so every call after the first few updates an existing lead. NOTE: the emulator
 * copies every stored lead on each e-mail lookup, so a store that grew by one lead per request
 * would slow each later call and the emulator, not the code under test, would set the pace.
 * With four times as many visitors as requests in flight, two requests of one visitor overlap
 * only when one of them is slower than the many requests between them, so the proxy's e-mail
 * lock seldom waits.
 */
function leads(round: number, count: number): Lead[] {
  return Array.from({ length: count }, (_, index) => {
    const visitor = index % DISTINCT_LEADS;
    return {
      submissionId: crypto.randomUUID(),
      email: `bench-${round}-${visitor}@example.test`,
      cookie: `id:${MUNCHKIN_ID}&token:_mch-example.test-1700000000000-${String(10_000 + visitor)}`,
    };
  });
}

const FIELDS = { firstName: 'Zoë', lastName: "O'Brien", company: 'Lee & Sons <Holdings>' };

function submissionJson(lead: Lead): string {
  return JSON.stringify({
    submissionId: lead.submissionId,
    fields: { email: lead.email, ...FIELDS },
    mktoTrk: lead.cookie,
    context: { pageUrl: 'https://www.example.test/pricing', locale: 'en' },
    signals: { honeypot: '', elapsedMs: 8000 },
  });
}

/** Returns the envelope the proxy would send for `lead`, signed now; valid within the emulator's 15-minute window. */
async function envelope(lead: Lead): Promise<string> {
  const timestamp = formatTimestamp(new Date(), 0);
  const signature = await signRequest(USER_ID, ENCRYPTION_KEY, timestamp);
  return buildSyncLeadEnvelope({
    userId: USER_ID,
    signature,
    timestamp,
    lead: {
      email: lead.email,
      attributes: [
        { name: 'FirstName', value: FIELDS.firstName },
        { name: 'LastName', value: FIELDS.lastName },
        { name: 'Company', value: FIELDS.company },
      ],
      cookie: lead.cookie,
    },
  });
}

async function prepare(target: TargetName, url: string, batch: Lead[]): Promise<PreparedRequest[]> {
  if (target === 'pass-through' || target === 'pass-through-http') {
    return Promise.all(batch.map(async (lead) => ({ url: `${url}/soap`, contentType: 'text/xml; charset=UTF-8', body: await envelope(lead) })));
  }
  return batch.map((lead) => ({ url: `${url}/v1/forms/contact/submissions`, contentType: 'application/json', body: submissionJson(lead) }));
}

interface TargetTotals {
  /** CPU time the target's server process used during the measured runs, in ms; NaN off Linux. */
  cpuMs: number;
  requests: number;
  failures: number;
  elapsedMs: number;
  latenciesMs: number[];
  statuses: Record<number, number>;
}

function addRun(totals: TargetTotals, run: LoadResult, cpuMs: number): void {
  totals.cpuMs += cpuMs;
  totals.requests += run.requests;
  totals.failures += run.failures;
  totals.elapsedMs += run.elapsedMs;
  totals.latenciesMs.push(...run.latenciesMs);
  for (const [status, count] of Object.entries(run.statuses)) totals.statuses[Number(status)] = (totals.statuses[Number(status)] ?? 0) + count;
}

function report(totals: Record<TargetName, TargetTotals>): void {
  const throughput = (name: TargetName) => (totals[name].requests / totals[name].elapsedMs) * 1000;
  const cpuPerRequest = (name: TargetName) => (totals[name].cpuMs / totals[name].requests) * 1000;
  const proxy = throughput('leadsync-proxy');

  console.log(`\n${ROUNDS} rounds x ${REQUESTS} requests, concurrency ${CONCURRENCY}, Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}\n`);
  console.log('| target | requests/s | p50 ms | p99 ms | server CPU µs/request | non-200 | proxy throughput / target |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const name of TARGETS) {
    const { latenciesMs, failures } = totals[name];
    const ratio = name === 'leadsync-proxy' ? '1.00' : (proxy / throughput(name)).toFixed(2);
    const cells = [
      throughput(name).toFixed(0),
      quantile(latenciesMs, 0.5).toFixed(1),
      quantile(latenciesMs, 0.99).toFixed(1),
      cpuPerRequest(name).toFixed(0),
      String(failures),
      ratio,
    ];
    console.log(`| ${name} | ${cells.join(' | ')} |`);
  }

  const failed = TARGETS.filter((name) => totals[name].failures > 0);
  for (const name of failed) console.log(`\n${name} returned statuses ${JSON.stringify(totals[name].statuses)}; its figures are not valid.`);
  if (failed.length > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'leadsync-bench-'));
  const logFile = join(directory, 'servers.log');
  const servers: RunningServer[] = [];

  try {
    const emulator = await startServer('emulator', {}, logFile);
    servers.push(emulator);
    const soapEndpoint = `${emulator.url}/soap/mktows/2_9`;

    const targets: Record<TargetName, RunningServer> = {
      'leadsync-proxy': await startServer('leadsync-proxy', {
        MARKETO_API: 'soap',
        MARKETO_SOAP_ENDPOINT: soapEndpoint,
        MARKETO_USER_ID: USER_ID,
        MARKETO_ENCRYPTION_KEY: ENCRYPTION_KEY,
        MARKETO_MUNCHKIN_ID: MUNCHKIN_ID,
        ALLOWED_ORIGINS: ORIGIN,
        HOST: '127.0.0.1',
        // Every request comes from one address, and each visitor submits many times. The
        // emulator's limits are raised, so the proxy's own call limits are raised with them.
        RATE_LIMIT_PER_ADDRESS: '0',
        RATE_LIMIT_PER_EMAIL: '0',
        MARKETO_MAX_CONCURRENT_CALLS: '1000',
        MARKETO_MAX_CALLS_PER_20S: '1000000',
        MARKETO_DAILY_QUOTA: '0',
        LEADSYNC_OUTBOX_PATH: join(directory, 'outbox.sqlite'),
      }, logFile),
      'pass-through': await startServer('pass-through', { BENCH_SOAP_ENDPOINT: soapEndpoint }, logFile),
      'pass-through-http': await startServer('pass-through-http', { BENCH_SOAP_ENDPOINT: soapEndpoint }, logFile),
      'soap-client': await startServer('soap-client', { BENCH_SOAP_ENDPOINT: soapEndpoint }, logFile),
    };
    servers.push(...Object.values(targets));

    const totals = Object.fromEntries(TARGETS.map((name) => [name, { cpuMs: 0, requests: 0, failures: 0, elapsedMs: 0, latenciesMs: [], statuses: {} }])) as Record<
      TargetName,
      TargetTotals
    >;

    // The first calls of each server run unoptimized code; one unmeasured pass warms all of them.
    for (const name of TARGETS) {
      await resetEmulator(emulator.url);
      await runLoad(await prepare(name, targets[name].url, leads(ROUNDS, WARMUP_REQUESTS * 3)), CONCURRENCY);
    }

    for (let round = 0; round < ROUNDS; round += 1) {
      // Rotate the order, so no target always runs first or last.
      const order = TARGETS.map((_, index) => TARGETS[(index + round) % TARGETS.length]!);
      for (const name of order) {
        await resetEmulator(emulator.url);
        await runLoad(await prepare(name, targets[name].url, leads(round, WARMUP_REQUESTS)), CONCURRENCY);
        const requests = await prepare(name, targets[name].url, leads(round, REQUESTS));
        const cpuBefore = cpuTimeMs(targets[name].child.pid);
        const run = await runLoad(requests, CONCURRENCY);
        const cpuAfter = cpuTimeMs(targets[name].child.pid);
        addRun(totals[name], run, cpuAfter === undefined || cpuBefore === undefined ? Number.NaN : cpuAfter - cpuBefore);
        console.log(`round ${round + 1}: ${name} ${((run.requests / run.elapsedMs) * 1000).toFixed(0)} requests/s`);
      }
    }

    report(totals);
  } finally {
    await Promise.all(servers.map(stopServer));
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
