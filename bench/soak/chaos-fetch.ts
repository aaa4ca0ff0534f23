/**
 * The soak test's fault injection on the proxy's upstream calls. A share of the calls (20% by
 * default) gets one failure. Most kinds come from the emulator's own fault queue: SOAP faults
 * 20023 and 20024, HTML 500 pages, and connections dropped before or after the write. Timeouts
 * and replies held after the write are made here, because the emulator's delays apply to every call.
 */

import { createNodeFetch } from '../../proxy/src/adapters/node-fetch.js';
import type { UpstreamFetch, UpstreamReply } from '../../proxy/src/marketo/upstream-fetch.js';

/** Every failure kind the soak injects. */
export const FAULT_KINDS = ['timeout', 'heldAfterWrite', 'html500', 'fault20023', 'fault20024', 'drop', 'dropAfterWrite'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The emulator's fault queue entry for each kind it injects itself. */
const QUEUE_ENTRIES: Partial<Record<FaultKind, Record<string, unknown>>> = {
  html500: { kind: 'html500', count: 1 },
  fault20023: { kind: 'fault', code: 20023, count: 1, transport: 'soap' },
  fault20024: { kind: 'fault', code: 20024, count: 1, transport: 'soap' },
  drop: { kind: 'drop', count: 1 },
  dropAfterWrite: { kind: 'dropAfterApply', count: 1 },
};

export interface ChaosOptions {
  /**
   * Sends the calls that reach the emulator. Default: `createNodeFetch()`, the client the proxy's
   * Node entry uses, so the faults hit the production client.
   */
  upstream?: UpstreamFetch;
  /** Base URL of the emulator that upstream calls go to now; it changes when the emulator restarts. */
  emulatorUrl: () => string | undefined;
  /** Share of calls that get a failure, 0 to 1. */
  faultRate: number;
  /** Random numbers in [0, 1). */
  random: () => number;
}

export interface ChaosFetch {
  fetch: UpstreamFetch;
  /** Failures injected so far, by kind. */
  readonly injected: Record<FaultKind, number>;
  /** Upstream calls seen so far. */
  readonly calls: number;
  /** Stops injecting; calls pass through unchanged from now on. */
  stop(): void;
}

/**
 * Creates the `fetch` the proxy sends its Marketo calls with. It sends each call to the current
 * emulator by replacing the host in the proxy's endpoint, so the emulator can restart on a new
 * port. While no emulator runs, calls fail as a refused connection does.
 *
 * A queued fault applies to the next call the emulator receives, which may be another proxy
 * call than the one that drew it. A mutex keeps one queued fault at a time, and the fault is
 * counted once the emulator's queue is empty again, so every counted fault hit exactly one call.
 */
export function createChaosFetch(options: ChaosOptions): ChaosFetch {
  const injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
  let calls = 0;
  let stopped = false;
  let queueTurn: Promise<void> = Promise.resolve();
  const upstream = options.upstream ?? createNodeFetch();

  async function chaosFetch(input: string, init: RequestInit): Promise<UpstreamReply> {
    calls += 1;
    const emulatorUrl = options.emulatorUrl();
    if (emulatorUrl === undefined) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED (the emulator is restarting)') });

    const target = retarget(input, emulatorUrl);
    const kind = stopped || options.random() >= options.faultRate ? undefined : FAULT_KINDS[Math.floor(options.random() * FAULT_KINDS.length)]!;

    if (kind === 'timeout') {
      injected.timeout += 1;
      return waitForAbort(init?.signal);
    }
    if (kind === 'heldAfterWrite') {
      injected.heldAfterWrite += 1;
      await upstream(target, { ...init, signal: null });
      return waitForAbort(init?.signal);
    }
    if (kind !== undefined) return sendWithQueuedFault(kind, emulatorUrl, target, init);

    return upstream(target, init);
  }

  async function sendWithQueuedFault(kind: FaultKind, emulatorUrl: string, target: string, init: RequestInit): Promise<UpstreamReply> {
    const previous = queueTurn;
    let done!: () => void;
    queueTurn = new Promise((resolve) => (done = resolve));
    await previous;

    try {
      await setFaultQueue(emulatorUrl, [QUEUE_ENTRIES[kind]!]);
      const response = upstream(target, init);
      // The caller awaits the response below; until then a failure must not count as unhandled.
      response.catch(() => undefined);
      if (await waitUntilQueueEmpty(emulatorUrl)) injected[kind] += 1;
      else await setFaultQueue(emulatorUrl, []);
      return await response;
    } finally {
      done();
    }
  }

  return {
    fetch: chaosFetch,
    injected,
    get calls() {
      return calls;
    },
    stop() {
      stopped = true;
    },
  };
}

function retarget(input: string, emulatorUrl: string): string {
  const original = new URL(input);
  return `${emulatorUrl}${original.pathname}${original.search}`;
}

/** Returns a response that never arrives: it rejects with the signal's reason, as with a silent server. */
function waitForAbort(signal: AbortSignal | null | undefined): Promise<UpstreamReply> {
  return new Promise((_resolve, reject) => {
    if (signal === null || signal === undefined) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function setFaultQueue(emulatorUrl: string, queue: unknown[]): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/config`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ faults: { queue } }),
  });
  if (!response.ok) throw new Error(`Setting the emulator's fault queue failed with HTTP ${response.status}: ${await response.text()}`);
}

/** Polls the emulator until its fault queue is empty; false when it stays full for 2 s. */
async function waitUntilQueueEmpty(emulatorUrl: string): Promise<boolean> {
  const deadline = Date.now() + 2_000;
  while (Date.now() < deadline) {
    const config = (await (await fetch(`${emulatorUrl}/_emulator/config`)).json()) as { faults: { queue: unknown[] } };
    if (config.faults.queue.length === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}
