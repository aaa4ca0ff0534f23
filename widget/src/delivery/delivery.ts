import type { Logger } from '../log';
import { readJson, writeJson } from '../storage';
import type { SubmissionBody } from '../types';
import { retryDelay } from './backoff';
import { postSubmission, type PostResult } from './post-submission';

/** A submission waiting for delivery. It holds only what the request needs. */
export interface OutboxEntry {
  url: string;
  body: SubmissionBody;
  /** Failed attempts so far. */
  attempts: number;
  /** Earliest time of the next attempt, in ms since the epoch. */
  nextAt: number;
  createdAt: number;
}

/**
 * Result of a submission. Without `error` the proxy accepted it. With a retryable error it waits in
 * the outbox and reports once more later; with any other error the proxy rejected it for good.
 */
export type Outcome = PostResult;
export type OutcomeListener = (outcome: Outcome) => void;

/** localStorage key of the outbox, shared by all tabs of the site. */
export const OUTBOX_KEY = 'leadsync:outbox';
export const OUTBOX_MAX_ENTRIES = 20;
/** Older entries are dropped: a lead that old would reach sales too late to matter. */
export const OUTBOX_MAX_AGE_MS = 7 * 24 * 60 * 60_000;
/** Extra wait before another tab or page load may retry an entry that is still being sent. */
const LEASE_MARGIN_MS = 5_000;

export interface Delivery {
  /** Sends a new submission; `listener` hears its outcomes while this page lives. */
  send(url: string, body: SubmissionBody, listener: OutcomeListener): void;
  /** Sends the entries that are due, or all of them with `all` (the browser is back online). */
  flush(all?: boolean): void;
  /** Changes the body of every waiting entry, for example to drop tracking data. */
  rewrite(change: (body: SubmissionBody) => void): void;
  /** Cancels the retry timer; entries stay in the outbox for another page or tab. */
  stop(): void;
}

/**
 * Creates the delivery queue. Each submission enters the outbox before its first request, so
 * neither a network failure nor leaving the page loses it, and it stays there until the proxy
 * accepts or rejects it. Retries reuse the `submissionId`, which the proxy treats as the
 * idempotency key, so a repeated request never creates a second lead.
 */
export function createDelivery(timeoutMs: number, log: Logger): Delivery {
  const listeners = new Map<string, OutcomeListener>();
  const inFlight = new Set<string>();
  // Used when the visitor blocks localStorage: the outbox then lasts as long as the page.
  let memory: OutboxEntry[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  // Read on every use because other tabs change the outbox too.
  const load = (): OutboxEntry[] => {
    const stored = readJson('localStorage', OUTBOX_KEY);
    const entries = stored === undefined ? memory : Array.isArray(stored) ? (stored as OutboxEntry[]) : [];
    return entries.filter((entry) => entry?.body && Date.now() - entry.createdAt < OUTBOX_MAX_AGE_MS);
  };

  const save = (entries: OutboxEntry[]): void => {
    memory = entries.slice(-OUTBOX_MAX_ENTRIES);
    writeJson('localStorage', OUTBOX_KEY, memory.length > 0 ? memory : undefined);
  };

  /** Replaces the stored entry of one submission with `change(entry)`, or removes it for undefined. */
  const update = (submissionId: string, change: (entry: OutboxEntry) => OutboxEntry | undefined): void =>
    save(load().flatMap((entry) => (entry.body.submissionId === submissionId ? (change(entry) ?? []) : entry)));

  const attempt = async (entry: OutboxEntry): Promise<void> => {
    const id = entry.body.submissionId;
    if (inFlight.has(id)) return;

    inFlight.add(id);
    const outcome = await postSubmission(entry.url, entry.body, timeoutMs);
    inFlight.delete(id);

    const { error } = outcome;
    if (error?.retryable) {
      const attempts = entry.attempts + 1;
      const delay = outcome.retryAfterMs ?? retryDelay(attempts);
      update(id, (stored) => ({ ...stored, attempts, nextAt: Date.now() + delay }));
      log.debug(`submission ${id}: ${error.code}, retry in ${delay} ms`);
    } else {
      update(id, () => undefined);
      if (error) log.error(`submission ${id} rejected: ${error.code} ${error.message}`);
    }

    // A waiting submission reports only its first failure, then its final outcome.
    try {
      if (!error?.retryable || entry.attempts === 0) listeners.get(id)?.(outcome);
    } catch (listenerError) {
      log.error(`submission ${id}: handling the outcome failed:`, listenerError);
    }
    schedule();
  };

  const schedule = (): void => {
    clearTimeout(timer);
    if (stopped) return;
    const waiting = load().filter((entry) => !inFlight.has(entry.body.submissionId));
    const nextAt = Math.min(...waiting.map((entry) => entry.nextAt));
    if (nextAt < Infinity) timer = setTimeout(() => flush(), nextAt - Date.now());
  };

  const flush = (all?: boolean): void => {
    const entries = load();
    save(entries); // writes back without the expired entries, so no old lead data lingers
    for (const entry of entries) {
      if (all || entry.nextAt <= Date.now()) void attempt(entry);
    }
    schedule();
  };

  return {
    send(url, body, listener) {
      const now = Date.now();
      const entry = { url, body, attempts: 0, nextAt: now + timeoutMs + LEASE_MARGIN_MS, createdAt: now };
      listeners.set(body.submissionId, listener);
      save([...load(), entry]);
      void attempt(entry);
    },
    flush,
    rewrite(change) {
      save(load().map((entry) => (change(entry.body), entry)));
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    }
  };
}
