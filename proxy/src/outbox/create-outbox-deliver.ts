import { defaultRetryPolicy } from '../app.js';
import type { ProxyConfig } from '../config.js';
import type { CallLimiter } from '../delivery/call-limiter.js';
import { createDeliver } from '../delivery/deliver.js';
import type { KeyedLock } from '../delivery/keyed-lock.js';
import { limitFetch } from '../delivery/limit-fetch.js';
import type { MarketoStatus } from '../delivery/marketo-status.js';
import type { QuotaGate } from '../delivery/quota-gate.js';
import { LeadsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { createTransport } from '../marketo/create-transport.js';
import { createRestTransport, type RestTransport } from '../marketo/rest/rest-transport.js';
import { childLogger } from '../observability/logger.js';
import { associationFollowUp } from './association-job.js';
import type { AssociationEntry, DeliverEntry, DeliveryEntry, FollowUp } from './outbox.js';
import type { UpstreamFetch } from '../marketo/upstream-fetch.js';

export interface OutboxDeliverOptions {
  config: ProxyConfig;
  /** The limiter the app's own deliveries use, so drain and live traffic share Marketo's limits. */
  limiter: Pick<CallLimiter, 'acquire'>;
  /** The app's per-e-mail lock, so a drained entry and a live submission never upsert at once. */
  lock: Pick<KeyedLock, 'run'>;
  log: Logger;
  /** The app's daily-quota state, so the drain sends nothing while the quota is used up. */
  quotaGate?: QuotaGate;
  /** The app's record of the last delivery to Marketo, for `/healthz`. */
  marketoStatus?: MarketoStatus;
  /** Upstream fetch. Default `globalThis.fetch`. */
  fetch?: UpstreamFetch;
  /** Clock in ms since the epoch, for the association jobs deliveries leave. Default `Date.now`. */
  now?: () => number;
}

/**
 * Creates the function a drain or queue consumer runs stored entries with: the same transport,
 * retry policy, limiter and per-e-mail lock as a live submission, so an entry from the outbox
 * reaches Marketo exactly like one sent at once.
 *
 * A delivery entry sends its lead. When the lead's Associate Lead call fails for a reason that
 * can pass, the result is the association job to store in its place. An association job sends
 * one Associate Lead call through the limiter. It takes no per-e-mail lock, because Associate
 * Lead changes no lead field and can be sent twice.
 */
export function createOutboxDeliver(options: OutboxDeliverOptions): DeliverEntry {
  const { config } = options;
  const now = options.now ?? Date.now;
  const upstreamFetch = limitFetch(options.fetch ?? globalThis.fetch.bind(globalThis), { limiter: options.limiter, abandonedHoldMs: config.timeoutMs, ...(options.quotaGate && { quotaGate: options.quotaGate }) });
  // Built here rather than by createTransport, because association jobs need `associateCookie`.
  const rest =
    config.marketo.api === 'rest'
      ? createRestTransport({ ...config.marketo.rest, timeoutMs: config.timeoutMs, fetch: upstreamFetch, log: options.log })
      : undefined;
  const transport = rest ?? createTransport(config, { fetch: upstreamFetch, log: options.log });
  const deliver = createDeliver({
    transport,
    policy: defaultRetryPolicy(config),
    lock: options.lock,
    budgetMs: config.delivery.deliveryTimeoutMs,
    ...(options.quotaGate && { quotaGate: options.quotaGate }),
    ...(options.marketoStatus && { status: options.marketoStatus }),
  });

  async function deliverLead(entry: DeliveryEntry, log: Logger): Promise<FollowUp | undefined> {
    const result = await deliver(entry.lead, { log });
    if (!result.ok) throw result.error;
    log.log('info', 'Lead synced to Marketo from the outbox', { leadId: result.outcome.leadId, status: result.outcome.status });
    return associationFollowUp(entry, result.outcome, now(), log);
  }

  async function associateCookie(job: AssociationEntry, log: Logger): Promise<undefined> {
    if (rest === undefined) throw associationNeedsRest();
    options.quotaGate?.check();
    try {
      await rest.associateCookie(job.leadId, job.cookie, { log });
    } catch (error) {
      options.quotaGate?.observe(error);
      throw error;
    }
    log.log('info', 'Cookie associated after a retry', { leadId: job.leadId });
    return undefined;
  }

  return async function deliverEntry(entry) {
    const log = childLogger(options.log, { submissionId: entry.submissionId, formId: entry.formId });
    return entry.kind === 'associate' ? associateCookie(entry, log) : deliverLead(entry, log);
  };
}

/** Returns the error for an association job on a proxy switched to SOAP, which has no Associate Lead call. */
function associationNeedsRest(): LeadsyncError {
  return new LeadsyncError(
    'association_needs_rest',
    'An association job needs MARKETO_API=rest, because SOAP has no Associate Lead call. Set MARKETO_API=rest and replay the dead letter, or drop it.',
  );
}
