import formsDocument from 'leadsync-forms';

import { createApp } from '../app.js';
import { loadConfig, type Env } from '../config.js';
import { LeadsyncError } from '../errors.js';
import { parseForms } from '../forms/parse-forms.js';
import { createJsonLogger, type Logger } from '../log.js';

/** Bindings the Worker reads besides its string vars and secrets (see `wrangler.toml`). */
export interface WorkerBindings {
  /** Static assets; `/leadsync.js` is the built widget when `pnpm build` ran before deploying. */
  ASSETS?: Fetcher;
}

type WorkerApp = ReturnType<typeof createApp>;

/** The app built for one `env` object, or the configuration error that prevented it. */
type Setup = { app: WorkerApp } | { error: unknown };

// Workers reuse an isolate for many requests, so the app is built once per `env` object.
const setups = new WeakMap<object, Setup>();

const log: Logger = createJsonLogger();

export default {
  async fetch(request, env, ctx): Promise<Response> {
    const setup = setupFor(env);
    if ('error' in setup) return misconfigured();
    return setup.app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<WorkerBindings>;

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

    log.log('info', 'Proxy started', { runtime: 'workers', api: config.marketo.api, forms: forms.size, basePath: config.basePath });
    return { app };
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
