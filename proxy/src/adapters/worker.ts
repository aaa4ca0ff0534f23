import formsDocument from 'leadsync-forms';

import { createApp } from '../app.js';
import { loadConfig, type Env, type ProxyConfig } from '../config.js';
import { LeadsyncError } from '../errors.js';
import type { FormCatalog } from '../forms/form-definition.js';
import { parseForms } from '../forms/parse-forms.js';
import { createJsonLogger, type Logger } from '../log.js';
import { createTransport } from '../marketo/create-transport.js';
import { DeadLetterObject, DurableDeadLetterStore } from '../outbox/durable-dead-letters.js';
import type { OutboxEntry } from '../outbox/outbox.js';
import { consumeDeadLetterBatch, consumeOutboxBatch, type DeadLetterMessage } from '../outbox/queue-outbox.js';

export { DeadLetterObject };

/** Bindings the Worker reads besides its string vars and secrets (see `wrangler.toml`). */
export interface WorkerBindings {
  /** Static assets; `/leadsync.js` is the built widget when `pnpm build` ran before deploying. */
  ASSETS?: Fetcher;
  /** Producer of the outbox queue, which this Worker also consumes. */
  OUTBOX_QUEUE: Queue<OutboxEntry>;
  /** Producer of the dead-letter queue, which this Worker also consumes. */
  DEAD_LETTER_QUEUE: Queue<DeadLetterMessage>;
  DEAD_LETTERS: DurableObjectNamespace<DeadLetterObject>;
}

// Must match the dead-letter queue's name in wrangler.toml; every other queue is the outbox.
const DEAD_LETTER_QUEUE_NAME = 'leadsync-outbox-dead';

interface Ready {
  config: ProxyConfig;
  forms: FormCatalog;
  app: ReturnType<typeof createApp>;
  deadLetters: DurableDeadLetterStore;
}

/** The proxy built for one `env` object, or the configuration error that prevented it. */
type Setup = Ready | { error: unknown };

// Workers reuse an isolate for many requests, so the proxy is built once per `env` object.
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

    const transport = createTransport(setup.config, { log });
    await consumeOutboxBatch(batch as MessageBatch<OutboxEntry>, {
      deliver: (entry) => transport.syncLead(entry.lead),
      deadLetterQueue: env.DEAD_LETTER_QUEUE,
      log,
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

function buildSetup(env: WorkerBindings): Setup {
  try {
    const config = loadConfig(readStringVars(env));
    const forms = parseForms(formsDocument, { api: config.marketo.api, source: 'bundled forms (leadsync-forms)' });
    const app = createApp({ config, forms, loadWidget: () => loadWidget(env.ASSETS), log });
    const deadLetters = new DurableDeadLetterStore(env.DEAD_LETTERS, env.OUTBOX_QUEUE);

    log.log('info', 'Proxy started', { runtime: 'workers', api: config.marketo.api, forms: forms.size, basePath: config.basePath });
    return { config, forms, app, deadLetters };
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
