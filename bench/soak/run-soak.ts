/**
 * The soak test: many submissions from concurrent clients through the real Node proxy to the
 * emulator, while a share of the upstream calls fails and the emulator restarts once. The report
 * counts submitted e-mail addresses that are missing, duplicated or without their cookie in the
 * emulator afterwards, and what is left in the outbox; `main.ts` and the proxy test require zeros.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startProxy, type RunningProxy } from '../../proxy/src/adapters/node.js';
import type { Logger } from '../../proxy/src/log.js';
import { createChaosFetch, type FaultKind } from './chaos-fetch.js';
import { startSoakEmulator, type EmulatorLead } from './soak-emulator.js';

export interface SoakOptions {
  /** Submissions in total. */
  submissions: number;
  /** Clients posting at the same time. */
  clients: number;
  /** Share of upstream calls that fail, 0 to 1. Default 0.2. */
  faultRate?: number;
  /** How long the emulator stays away during its restart, in ms. Default 3000. */
  restartDowntimeMs?: number;
  /** Maximum wait for the outbox to empty after the last submission, in ms. Default 120000. */
  drainTimeoutMs?: number;
  /** Seed of the fault choice, so a run can be repeated. Default 1. */
  seed?: number;
  /** Progress lines. Default: none. */
  progress?: (line: string) => void;
}

export interface SoakReport {
  submissions: number;
  clients: number;
  /** Upstream calls the proxy made, retries and drains included. */
  upstreamCalls: number;
  faultsInjected: Record<FaultKind, number>;
  faultsTotal: number;
  /** Final responses to the clients by HTTP status, after client retries. */
  answers: Record<string, number>;
  /** Requests the clients sent again after a network error or a 5xx response. */
  clientRetries: number;
  leadsCarriedOverRestart: number;
  /** Submitted e-mail addresses with no lead in the emulator. */
  lost: number;
  /** Submitted e-mail addresses with more than one lead. */
  duplicated: number;
  /** Leads of submitted addresses without the submission's cookie. */
  cookieMissing: number;
  /** Calls the emulator rejected for its own rate or concurrency limits (the proxy's limiter should prevent them). */
  limitFaults: number;
  outboxPending: number;
  outboxDead: number;
  /** From the last client response until the outbox was empty, in ms. */
  drainMs: number;
  totalMs: number;
}

const ORIGIN = 'https://soak.example.test';
const CLIENT_RETRIES = 8;

/** Runs the soak and returns its figures. Lost or duplicated leads are counted in the report, not thrown. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const startedAt = Date.now();
  const progress = options.progress ?? (() => undefined);
  const directory = mkdtempSync(join(tmpdir(), 'leadsync-soak-'));
  const emulator = await startSoakEmulator();
  const chaos = createChaosFetch({ emulatorUrl: () => emulator.url, faultRate: options.faultRate ?? 0.2, random: seededRandom(options.seed ?? 1) });
  const proxy = await startProxy({ env: proxyEnv(emulator.url!, directory), port: 0, log: quietLogger(progress), fetch: chaos.fetch });

  try {
    const clientRun = await runClients(proxy, options, () => emulator.restart(options.restartDowntimeMs ?? 3_000), progress);
    const answeredAt = Date.now();
    progress(`all ${options.submissions} submissions answered after ${answeredAt - startedAt} ms; draining the outbox`);

    const outbox = await drainUntilEmpty(proxy, directory, options.drainTimeoutMs ?? 120_000);
    const drainMs = Date.now() - answeredAt;
    const leads = await emulator.leads();

    return {
      submissions: options.submissions,
      clients: options.clients,
      upstreamCalls: chaos.calls,
      faultsInjected: { ...chaos.injected },
      faultsTotal: Object.values(chaos.injected).reduce((sum, count) => sum + count, 0),
      answers: clientRun.answers,
      clientRetries: clientRun.retries,
      leadsCarriedOverRestart: clientRun.leadsCarried,
      ...checkLeads(leads, clientRun.sent),
      limitFaults: emulator.calls().filter((call) => call.outcome === 'fault' && (call.code === 20023 || call.code === 20024)).length,
      outboxPending: outbox.pending,
      outboxDead: outbox.dead,
      drainMs,
      totalMs: Date.now() - startedAt,
    };
  } finally {
    chaos.stop();
    await proxy.close();
    await emulator.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

function proxyEnv(emulatorUrl: string, directory: string): Record<string, string> {
  return {
    MARKETO_API: 'soap',
    MARKETO_SOAP_ENDPOINT: `${emulatorUrl}/soap/mktows/2_9`,
    MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
    MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
    MARKETO_MUNCHKIN_ID: '123-ABC-456',
    ALLOWED_ORIGINS: ORIGIN,
    HOST: '127.0.0.1',
    // Every client posts from 127.0.0.1 and each address once, so the abuse limits stay out.
    RATE_LIMIT_PER_ADDRESS: '0',
    RATE_LIMIT_PER_EMAIL: '0',
    // Short enough that an injected timeout costs little, because the emulator responds in milliseconds.
    MARKETO_TIMEOUT_MS: '1000',
    LEADSYNC_DELIVERY_TIMEOUT_MS: '5000',
    LEADSYNC_QUEUE_TIMEOUT_MS: '4000',
    LEADSYNC_OUTBOX_PATH: join(directory, 'outbox.sqlite'),
    LEADSYNC_OUTBOX_DRAIN_INTERVAL_MS: '500',
    LEADSYNC_OUTBOX_RETRY_BASE_MS: '200',
    LEADSYNC_OUTBOX_MAX_ATTEMPTS: '50',
  };
}

interface Submission {
  submissionId: string;
  email: string;
  cookie: string;
}

interface ClientRun {
  sent: Submission[];
  answers: Record<string, number>;
  retries: number;
  leadsCarried: number;
}

/** Posts every submission from `clients` concurrent loops and restarts the emulator halfway. */
async function runClients(proxy: RunningProxy, options: SoakOptions, restart: () => Promise<{ leadsCarried: number }>, progress: (line: string) => void): Promise<ClientRun> {
  const run: ClientRun = { sent: [], answers: {}, retries: 0, leadsCarried: 0 };
  const runId = Date.now().toString(36);
  let next = 0;
  let restarting: Promise<void> | undefined;

  async function client(): Promise<void> {
    while (next < options.submissions) {
      const index = next;
      next += 1;

      if (index === Math.floor(options.submissions / 2)) {
        progress(`restarting the emulator after ${index} submissions`);
        restarting = restart().then((result) => {
          run.leadsCarried = result.leadsCarried;
          progress(`emulator back with ${result.leadsCarried} leads`);
        });
      }

      const submission: Submission = {
        submissionId: crypto.randomUUID(),
        email: `soak-${runId}-${index}@example.test`,
        cookie: `id:123-ABC-456&token:_mch-soak.example.test-${Date.now()}-${String(index % 100_000).padStart(5, '0')}`,
      };
      run.sent.push(submission);
      const status = await postUntilAnswered(proxy, submission, run);
      run.answers[status] = (run.answers[status] ?? 0) + 1;
    }
  }

  await Promise.all(Array.from({ length: options.clients }, client));
  await restarting;
  return run;
}

/**
 * Posts like the widget: the same submissionId again after a network error or a 5xx response,
 * so a submission is only given up when the proxy keeps failing. Returns the final status.
 */
async function postUntilAnswered(proxy: RunningProxy, submission: Submission, run: ClientRun): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    let status: string;
    try {
      const response = await fetch(`${proxy.url}/v1/forms/contact/submissions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
        body: JSON.stringify({ submissionId: submission.submissionId, fields: { email: submission.email, firstName: 'Soak' }, mktoTrk: submission.cookie }),
      });
      await response.arrayBuffer();
      status = String(response.status);
    } catch {
      status = 'network_error';
    }

    const retry = status === 'network_error' || status.startsWith('5');
    if (!retry || attempt > CLIENT_RETRIES) return status;
    run.retries += 1;
    await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
  }
}

async function drainUntilEmpty(proxy: RunningProxy, directory: string, timeoutMs: number): Promise<{ pending: number; dead: number }> {
  const { SqliteOutbox } = await import('../../proxy/src/outbox/sqlite-outbox.js');
  const reader = new SqliteOutbox({ path: join(directory, 'outbox.sqlite') });
  const deadline = Date.now() + timeoutMs;

  try {
    for (;;) {
      await proxy.drainOutbox();
      const stats = await reader.stats();
      if (stats.pending === 0 || Date.now() > deadline) return { pending: stats.pending ?? 0, dead: stats.dead };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    reader.close();
  }
}

function checkLeads(leads: EmulatorLead[], sent: Submission[]): Pick<SoakReport, 'lost' | 'duplicated' | 'cookieMissing'> {
  const byEmail = new Map<string, EmulatorLead[]>();
  for (const lead of leads) {
    if (lead.email === null) continue;
    byEmail.set(lead.email, [...(byEmail.get(lead.email) ?? []), lead]);
  }

  let lost = 0;
  let duplicated = 0;
  let cookieMissing = 0;
  for (const submission of sent) {
    const matches = byEmail.get(submission.email) ?? [];
    if (matches.length === 0) lost += 1;
    if (matches.length > 1) duplicated += 1;
    if (matches.length > 0 && !matches.some((lead) => lead.cookies.includes(submission.cookie))) cookieMissing += 1;
  }
  return { lost, duplicated, cookieMissing };
}

/** Mulberry32: a small seeded generator, so one seed injects the same faults on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Passes the proxy's errors on as progress lines and drops the rest, which a soak has by the thousand. */
function quietLogger(progress: (line: string) => void): Logger {
  let errors = 0;
  return {
    log(level, message) {
      if (level !== 'error') return;
      errors += 1;
      // Upstream failures are the point of the soak; only the first few are shown.
      if (errors <= 3) progress(`proxy error: ${message}`);
    },
  };
}
