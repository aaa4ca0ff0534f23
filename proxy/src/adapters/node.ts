import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { serve, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';

import { createApp } from '../app.js';
import { loadConfig, type Env, type ProxyConfig } from '../config.js';
import { FormsConfigError, LeadsyncError } from '../errors.js';
import type { FormCatalog } from '../forms/form-definition.js';
import { parseForms } from '../forms/parse-forms.js';
import type { RuntimeAddressReader } from '../middleware/client-address/index.js';
import { createJsonLogger, type Logger } from '../log.js';

const PACKAGE_DIRECTORY = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_FORMS_PATH = resolve(PACKAGE_DIRECTORY, 'config/forms.demo.json');
const DEFAULT_WIDGET_PATH = resolve(PACKAGE_DIRECTORY, '../widget/dist/leadsync.js');

export interface StartProxyOptions {
  /** Environment to configure from. Default `process.env`. */
  env?: Env;
  /** Listening port; overrides `PORT`. Pass 0 for an ephemeral port. */
  port?: number;
  /** Default: JSON lines on stdout. */
  log?: Logger;
  /** Upstream fetch. Default `globalThis.fetch`. */
  fetch?: typeof fetch;
}

export interface RunningProxy {
  /** Base URL such as `http://127.0.0.1:8787`, without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the proxy on Node: reads the configuration and the forms file, serves the built widget
 * from `widget/dist/leadsync.js` (or `LEADSYNC_WIDGET_PATH`) and listens on HOST:PORT.
 *
 * Throws `ConfigError` or `FormsConfigError` before listening when the configuration is invalid.
 */
export async function startProxy(options: StartProxyOptions = {}): Promise<RunningProxy> {
  const { app, config, log, forms, formsPath } = await prepareProxy(options);
  const port = options.port ?? config.port;

  const server = await listen(app.fetch, config.host, port);
  const address = server.address() as AddressInfo;
  const url = `http://${formatHost(config.host)}:${address.port}`;
  log.log('info', 'Proxy started', { url, api: config.marketo.api, forms: forms.size, formsPath });

  return {
    url,
    close: () =>
      closeServer(server).then(() => {
        log.log('info', 'Proxy stopped', { url });
        // Writes the counts of repeated warnings and errors still held back.
        if ('flush' in log && typeof log.flush === 'function') log.flush();
      }),
  };
}

export interface PrepareProxyOptions extends Pick<StartProxyOptions, 'env' | 'log' | 'fetch'> {
  /** Reads the peer address from the runtime's server. Default: the Node socket's address. */
  runtimeAddress?: RuntimeAddressReader;
}

/** The app with everything it was built from, before it listens anywhere. */
export interface PreparedProxy {
  app: ReturnType<typeof createApp>;
  config: ProxyConfig;
  log: Logger;
  forms: FormCatalog;
  formsPath: string;
}

/**
 * Reads the configuration and the forms file and creates the app without listening. The Node,
 * Deno and Bun entries share it; each then serves `app.fetch` with its runtime's server.
 */
export async function prepareProxy(options: PrepareProxyOptions = {}): Promise<PreparedProxy> {
  const env = options.env ?? process.env;
  const log = options.log ?? createJsonLogger();
  const config = loadConfig(env);

  const formsPath = resolve(config.formsPath ?? DEFAULT_FORMS_PATH);
  const forms = await readForms(formsPath, config);
  const widgetPath = resolve(env.LEADSYNC_WIDGET_PATH?.trim() || DEFAULT_WIDGET_PATH);

  const app = createApp({
    config,
    forms,
    loadWidget: () => readWidget(widgetPath),
    log,
    runtimeAddress: options.runtimeAddress ?? ((c) => getConnInfo(c).remote.address),
    ...(options.fetch && { fetch: options.fetch }),
  });

  return { app, config, log, forms, formsPath };
}

async function readForms(path: string, config: ProxyConfig): Promise<FormCatalog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FormsConfigError(`Cannot read the forms file ${path}; check LEADSYNC_CONFIG.`, { cause: error });
  }

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new FormsConfigError(`The forms file ${path} is not valid JSON: ${detail}.`, { cause: error });
  }

  return parseForms(document, { api: config.marketo.api, source: path });
}

/** Reads the widget on every request, so a rebuild shows up without restarting the proxy. */
async function readWidget(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function listen(fetchCallback: (request: Request) => Response | Promise<Response>, hostname: string, port: number): Promise<ServerType> {
  return new Promise((resolveServer, rejectServer) => {
    const server = serve({ fetch: fetchCallback, hostname, port }, () => resolveServer(server));
    server.once('error', rejectServer);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolveClose, rejectClose) => {
    server.close((error) => (error ? rejectClose(error) : resolveClose()));
    if ('closeAllConnections' in server) server.closeAllConnections();
  });
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

async function main(): Promise<void> {
  const log = createJsonLogger();

  let proxy: RunningProxy;
  try {
    proxy = await startProxy({ log });
  } catch (error) {
    const message = error instanceof LeadsyncError ? error.message : `Proxy failed to start: ${String(error)}`;
    log.log('error', message, { code: error instanceof LeadsyncError ? error.code : 'start_failed' });
    process.exitCode = 1;
    return;
  }

  const stop = () => {
    proxy.close().catch((error: unknown) => {
      log.log('error', `Proxy did not stop cleanly: ${String(error)}`);
      process.exitCode = 1;
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
