import formsDocument from 'leadsync-forms';
import { getConnInfo } from 'hono/cloudflare-workers';

import { createApp } from '../app.js';
import { callLimitWarnings, loadConfig, type Env, type ProxyConfig } from '../config.js';
import { LeadsyncError } from '../errors.js';
import { parseForms } from '../forms/parse-forms.js';
import { createJsonLogger, type Logger } from '../log.js';
import { MarketoStatus } from '../delivery/marketo-status.js';
import { QuotaGate } from '../delivery/quota-gate.js';
import { createOutboxDeliver } from '../outbox/create-outbox-deliver.js';
import { DeadLetterObject, DurableDeadLetterStore } from '../outbox/durable-dead-letters.js';
import type { DeliverEntry, OutboxEntry } from '../outbox/outbox.js';
import { consumeDeadLetterBatch, consumeOutboxBatch, QueueOutbox, type DeadLetterMessage } from '../outbox/queue-outbox.js';
import { createRetrySchedule } from '../outbox/retry-schedule.js';
import { CallLimiterObject, DurableCallLimiter } from '../stores/durable-call-limiter.js';
import { DurableKeyedLock, KeyedLockObject } from '../stores/durable-keyed-lock.js';
import { DurableStore, StoreEntryObject } from '../stores/durable-store.js';

// Workers instantiate Durable Object classes from the main module's exports.
export { CallLimiterObject, DeadLetterObject, KeyedLockObject, StoreEntryObject };

/** Bindings the Worker reads besides its string vars and secrets (see `wrangler.toml`). */
export interface WorkerBindings {
  /** Static assets; `/leadsync.js` is the built widget when `pnpm build` ran before deploying. */
  ASSETS?: Fetcher;
  /** Producer of the outbox queue, which this Worker also consumes. */
  OUTBOX_QUEUE: Queue<OutboxEntry>;
  /** Producer of the dead-letter queue, which this Worker also consumes. */
  DEAD_LETTER_QUEUE: Queue<DeadLetterMessage>;
  DEAD_LETTERS: DurableObjectNamespace<DeadLetterObject>;
  STORE_ENTRIES: DurableObjectNamespace<StoreEntryObject>;
  KEYED_LOCKS: DurableObjectNamespace<KeyedLockObject>;
  CALL_LIMITER: DurableObjectNamespace<CallLimiterObject>;
}

// Must match the dead-letter queue's name in wrangler.toml; every other queue is the outbox.
const DEAD_LETTER_QUEUE_NAME = 'leadsync-outbox-dead';

interface Ready {
  config: ProxyConfig;
  app: ReturnType<typeof createApp>;
  deadLetters: DurableDeadLetterStore;
  deliverEntry: DeliverEntry;
}

/** The proxy built for one `env` object, or the configuration error that prevented it. */
type Setup = Ready | { error: unknown };

// Workers reuse an isolate for many requests, so the proxy is built once per `env` object. It
// keeps no I/O object across requests: every Durable Object stub is made per call.
const setups = new WeakMap<object, Setup>();

const log: Logger = createJsonLogger();

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const setup = setupFor(env);
    if ('error' in setup) return misconfigured();
    return setup.app.fetch(request, env, ctx);
  },

  async queue(batch, env): Promise<void> {
    const setup = setupFor(env);
    if ('error' in setup) {
      // Nothing can be delivered with a broken configuration; keep the messages for a fixed deploy.
      batch.retryAll({ delaySeconds: 60 });
      return;
    }

    if (batch.queue === DEAD_LETTER_QUEUE_NAME) {
      await consumeDeadLetterBatch(batch as MessageBatch<DeadLetterMessage>, { deadLetters: setup.deadLetters, log });
      return;
    }

    const { outbox } = setup.config;
    // Delivers submissions and runs association jobs. When a delivered lead's Associate Lead call
    // fails for a reason that can pass, its association job goes back to OUTBOX_QUEUE.
    await consumeOutboxBatch(batch as MessageBatch<OutboxEntry>, {
      deliver: setup.deliverEntry,
      outboxQueue: env.OUTBOX_QUEUE,
      deadLetterQueue: env.DEAD_LETTER_QUEUE,
      log,
      schedule: createRetrySchedule({ maxAttempts: outbox.maxAttempts, baseDelayMs: outbox.retryBaseDelayMs }),
    });
  },
} satisfies ExportedHandler<WorkerBindings, OutboxEntry | DeadLetterMessage>;

function setupFor(env: WorkerBindings): Setup {
  const cached = setups.get(env);
  if (cached !== undefined) return cached;

  const setup = buildSetup(env);
  setups.set(env, setup);
  return setup;
}

/**
 * Builds the app on Durable Objects, so rate limits, idempotency, the per-e-mail lock and the
 * Marketo call limiter hold across all isolates, and on the outbox queue.
 */
function buildSetup(env: WorkerBindings): Setup {
  try {
    const config = loadConfig(readStringVars(env));
    for (const warning of callLimitWarnings(config)) log.log('warn', warning);
    const forms = parseForms(formsDocument, { api: config.marketo.api, source: 'bundled forms (leadsync-forms)' });

    const store = new DurableStore(env.STORE_ENTRIES);
    // The lease exceeds the delivery budget by 30 s and frees a lock whose holder vanished.
    const locks = new DurableKeyedLock(env.KEYED_LOCKS, { leaseMs: config.delivery.deliveryTimeoutMs + 30_000 });
    const limiter = new DurableCallLimiter(env.CALL_LIMITER, {
      instanceName: config.munchkinId,
      maxConcurrent: config.delivery.maxConcurrentCalls,
      maxCallsPerWindow: config.delivery.maxCallsPer20Seconds,
      queueTimeoutMs: config.delivery.queueTimeoutMs,
    });
    const deadLetters = new DurableDeadLetterStore(env.DEAD_LETTERS, env.OUTBOX_QUEUE);
    const quotaGate = new QuotaGate({ log, dailyBudget: config.delivery.dailyQuota });
    const marketoStatus = new MarketoStatus();

    const app = createApp({
      config,
      forms,
      loadWidget: () => loadWidget(env.ASSETS),
      log,
      runtimeAddress: (c) => getConnInfo(c).remote.address,
      limiter,
      emailLock: locks,
      quotaGate,
      marketoStatus,
      idempotencyLock: locks,
      counterStore: store,
      idempotencyStore: store,
      outbox: new QueueOutbox(env.OUTBOX_QUEUE, env.DEAD_LETTER_QUEUE),
      deadLetters,
      outboxStats: () => deadLetters.stats(),
    });
    const deliverEntry = createOutboxDeliver({ config, limiter, lock: locks, quotaGate, marketoStatus, log });

    log.log('info', 'Proxy started', { runtime: 'workers', api: config.marketo.api, forms: forms.size, basePath: config.basePath });
    return { config, app, deadLetters, deliverEntry };
  } catch (error) {
    // Logged once per isolate: every later request gets the 500 without a new log line.
    const message = error instanceof LeadsyncError ? error.message : `Proxy failed to start: ${String(error)}`;
    log.log('error', message, { code: error instanceof LeadsyncError ? error.code : 'start_failed' });
    return { error };
  }
}

/** Vars and secrets are the string-valued bindings; queues, Durable Objects and assets are not. */
function readStringVars(env: object): Env {
  const vars: Env = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string') vars[name] = value;
  }
  return vars;
}

async function loadWidget(assets: Fetcher | undefined): Promise<string | null> {
  if (assets === undefined) return null;

  // The host is ignored by the assets binding; only the path selects the file.
  const response = await assets.fetch('https://assets.invalid/leadsync.js');
  if (response.status === 404) return null;
  if (!response.ok) throw new LeadsyncError('widget_unavailable', `Reading the widget asset failed with HTTP ${response.status}.`, { status: 503, retryable: true });
  return response.text();
}

/** Returns the 500 for a configuration error. Its detail goes to the Worker's logs, never to visitors. */
function misconfigured(): Response {
  const body = {
    error: { code: 'invalid_config', message: 'The form service is misconfigured. Please try again later or contact us another way.', retryable: false },
  };
  return Response.json(body, { status: 500 });
}
