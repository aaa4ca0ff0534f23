import { defaultRetryPolicy } from '../app.js';
import type { ProxyConfig } from '../config.js';
import type { CallLimiter } from '../delivery/call-limiter.js';
import { createDeliver } from '../delivery/deliver.js';
import type { KeyedLock } from '../delivery/keyed-lock.js';
import { limitFetch } from '../delivery/limit-fetch.js';
import type { Logger } from '../log.js';
import { createTransport } from '../marketo/create-transport.js';
import type { SyncOutcome } from '../marketo/transport.js';
import { childLogger } from '../observability/logger.js';
import type { DeliverEntry } from './outbox.js';
import type { UpstreamFetch } from '../marketo/upstream-fetch.js';

export interface OutboxDeliverOptions {
  config: ProxyConfig;
  /** The limiter the app's own deliveries use, so drain and live traffic share Marketo's limits. */
  limiter: Pick<CallLimiter, 'acquire'>;
  /** The app's per-e-mail lock, so a drained entry and a live submission never upsert at once. */
  lock: Pick<KeyedLock, 'run'>;
  log: Logger;
  /** Upstream fetch. Default `globalThis.fetch`. */
  fetch?: UpstreamFetch;
}

/**
 * Creates the function a drain or queue consumer delivers stored entries with: the same
 * transport, retry policy, limiter and per-e-mail lock as a live submission, so an entry from
 * the outbox reaches Marketo exactly like one sent at once.
 */
export function createOutboxDeliver(options: OutboxDeliverOptions): DeliverEntry {
  const { config, log } = options;
  const upstreamFetch = limitFetch(options.fetch ?? globalThis.fetch.bind(globalThis), { limiter: options.limiter });
  const transport = createTransport(config, { fetch: upstreamFetch, log });
  const deliver = createDeliver({
    transport,
    policy: defaultRetryPolicy(config),
    lock: options.lock,
    budgetMs: config.delivery.deliveryTimeoutMs,
  });

  return async function deliverEntry(entry): Promise<SyncOutcome> {
    const result = await deliver(entry.lead, { log: childLogger(log, { submissionId: entry.submissionId, formId: entry.formId }) });
    if (!result.ok) throw result.error;
    return result.outcome;
  };
}
