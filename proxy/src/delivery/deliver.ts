import { DeliveryTimeoutError, LeadsyncError, MarketoError, sentNothing } from '../errors.js';
import type { Logger } from '../log.js';
import { associationErrorOf } from '../marketo/rest/associate-lead.js';
import type { LeadSync, LeadTransport, SyncOutcome } from '../marketo/transport.js';
import type { Counter } from '../observability/metrics.js';
import { KeyedLock } from './keyed-lock.js';
import type { MarketoStatus } from './marketo-status.js';
import type { QuotaGate } from './quota-gate.js';
import { createRetryPolicy, type RetryPolicy, type RetryReason } from './retry-policy.js';

/** Outcome of one delivery. A failure is returned, not thrown, so an outbox can take it. */
export type DeliveryResult =
  | { ok: true; outcome: SyncOutcome; attempts: number }
  | {
      ok: false;
      /** The last failure: usually a `MarketoError` or `DeliveryTimeoutError`, any error for a bug. */
      error: unknown;
      /** Whether delivering the same lead later can succeed. */
      retryable: boolean;
      attempts: number;
    };

export interface DeliveryContext {
  /** Logger that carries the request's ids (`requestId`, `submissionId`). */
  log: Logger;
}

/** Sends one lead to Marketo with retries, within the time budget; never rejects. */
export type Deliver = (lead: LeadSync, context: DeliveryContext) => Promise<DeliveryResult>;

export interface DeliverOptions {
  transport: LeadTransport;
  /** Default `createRetryPolicy()`. */
  policy?: RetryPolicy;
  /**
   * Serializes deliveries for the same e-mail address. Default: a new `KeyedLock`, which holds
   * within one process; `DurableKeyedLock` holds across Workers isolates.
   */
  lock?: Pick<KeyedLock, 'run'>;
  /**
   * Time budget of one delivery in ms, covering the wait for earlier deliveries to the same
   * address, for call slots, the attempts and the backoffs. Default 30,000.
   */
  budgetMs?: number;
  /** Counts retries by reason. */
  retries?: Counter;
  /** Holds every call after a daily-quota error until the quota resets. Default: none. */
  quotaGate?: Pick<QuotaGate, 'check' | 'observe'>;
  /** Records how each delivery to Marketo ended, for `/healthz`. Default: none. */
  status?: Pick<MarketoStatus, 'recordSuccess' | 'recordFailure'>;
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_DELIVERY_BUDGET_MS = 30_000;

/**
 * Creates the `deliver` function: the one path from a mapped lead to Marketo, whichever
 * transport is configured. It
 *
 * 1. waits until no other delivery for the same e-mail address runs, because Marketo can create
 *    duplicate leads from concurrent upserts with the same key;
 * 2. calls the transport, whose HTTP requests wait for call slots under Marketo's limits;
 * 3. retries as the retry policy decides, while the budget lasts. At the deadline a running
 *    call is aborted and the delivery fails with `DeliveryTimeoutError`, retryable.
 *
 * Retrying after a timeout is safe for a lead keyed by e-mail address or cookie: if Marketo
 * applied the first call, the retry matches the same lead and updates it.
 * NOTE: with REST Submit Form such a retry records the form fill a second time, and the outcome
 * reports `updated` for a lead the first call created. The lead itself is not duplicated.
 */
export function createDeliver(options: DeliverOptions): Deliver {
  const policy = options.policy ?? createRetryPolicy();
  const lock = options.lock ?? new KeyedLock();
  const budgetMs = options.budgetMs ?? DEFAULT_DELIVERY_BUDGET_MS;
  const now = options.now ?? Date.now;

  async function attemptUntilDone(lead: LeadSync, signal: AbortSignal, deadlineAt: number, log: Logger): Promise<DeliveryResult> {
    const reasons: RetryReason[] = [];
    // The last failure of a call that was sent. A later wait for a slot or the quota pause sends
    // nothing, so the delivery fails with this real cause: the outbox counts the attempt, and
    // /healthz shows the failure.
    let sentFailure: unknown;
    const failure = (error: unknown, attempt: number): DeliveryResult => {
      const cause = sentFailure !== undefined && sentNothing(error) ? sentFailure : error;
      options.status?.recordFailure(cause);
      return { ok: false, error: cause, retryable: cause instanceof LeadsyncError && cause.retryable, attempts: attempt };
    };

    for (let attempt = 1; ; attempt += 1) {
      try {
        options.quotaGate?.check();
        const outcome = await options.transport.syncLead(lead, { signal, log });
        options.quotaGate?.observe(associationErrorOf(outcome));
        options.status?.recordSuccess();
        return { ok: true, outcome, attempts: attempt };
      } catch (error) {
        options.quotaGate?.observe(error);
        if (!sentNothing(error)) sentFailure = error;
        const decision = policy.decide(error, attempt, reasons);
        if (!decision.retry || signal.aborted || now() + decision.delayMs >= deadlineAt) return failure(error, attempt);

        reasons.push(decision.reason);
        options.retries?.inc({ reason: decision.reason });
        log.log('warn', 'Retrying the Marketo call after a retryable failure', {
          attempt,
          reason: decision.reason,
          delayMs: decision.delayMs,
          code: error instanceof LeadsyncError ? error.code : undefined,
          faultCode: error instanceof MarketoError ? error.faultCode : undefined,
        });

        const slept = await sleep(decision.delayMs, signal);
        // The budget ran out before the next try: the failure before it is the cause.
        if (!slept) return failure(sentFailure ?? signal.reason, attempt);
      }
    }
  }

  return async function deliver(lead, context) {
    const deadlineAt = now() + budgetMs;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      controller.abort(new DeliveryTimeoutError(`The delivery did not finish within ${budgetMs} ms.`, 5));
    }, budgetMs);

    try {
      const key = lockKey(lead);
      const run = () => attemptUntilDone(lead, controller.signal, deadlineAt, context.log);
      return await (key === undefined ? run() : lock.run(key, run));
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Returns the key that serializes upserts: the e-mail address, else the cookie, else none. */
function lockKey(lead: LeadSync): string | undefined {
  if (lead.email !== undefined && lead.email !== '') return `email:${lead.email.toLowerCase()}`;
  if (lead.cookie !== undefined) return `cookie:${lead.cookie}`;
  return undefined;
}

/** Waits `ms`; resolves false instead when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);

  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
