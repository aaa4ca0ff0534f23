import { LeadsyncError } from '../errors.js';
import { HEADERS_TOO_LARGE_BODY, INTERNAL_ERROR_BODY } from '../http/error-response.js';
import { createJsonLogger, maskEmailAddresses, type Logger } from '../log.js';
import type { RuntimeAddressReader } from '../middleware/client-address/index.js';
import { SqliteOutbox, type SqliteDatabase } from '../outbox/sqlite-outbox.js';
import { prepareProxy, shutdownGraceMs, startDrain, type PreparedProxy } from './node.js';

/**
 * Node's default `--max-http-header-size`. Node 20 rejects a request with 431 once the request
 * target plus every header name and value reach this many bytes, and `limitHeaderBytes` counts
 * the same way.
 */
const MAX_HEADER_BYTES = 16 * 1024;

/** The app's `fetch`, called by the runtime's server with its per-request value as `env`. */
export type RuntimeFetch = (request: Request, env: unknown) => Response | Promise<Response>;

/** Options that the shared start-up code passes to a runtime's `serve`. */
export interface RuntimeServeOptions {
  hostname: string;
  port: number;
  /**
   * Logs an error that escaped the app and returns the API's JSON 500 response. The entries pass
   * it as the runtime's error handler, in place of Bun's HTML error page or Deno's plain-text 500.
   */
  onError(error: unknown): Response;
}

/** A runtime's HTTP server as the shared start-up code needs it. */
export interface RuntimeServer {
  /** The port the server listens on, known once `serve` returns (PORT=0 picks a free one). */
  port: number;
  /**
   * Closes the listener, lets the requests in flight finish for up to `graceMs`, then closes
   * the connections that are still open, where the runtime can.
   */
  stop(graceMs: number): Promise<void>;
}

export interface StartRuntimeOptions {
  /** Written as the `runtime` field of the "Proxy started" log line. */
  runtime: 'bun' | 'deno';
  /**
   * The runtime's SQLite module, used because better-sqlite3 is a V8 addon that Bun and Deno cannot
   * load. A string, so the proxy's type check (Node types) does not look for the module.
   */
  sqliteModule: string;
  /** The database class the SQLite module exports under this name. */
  sqliteConstructor: string;
  /** Reads the peer address with the runtime's `getConnInfo`. */
  runtimeAddress: RuntimeAddressReader;
  /** Serves `fetch` with the runtime's own HTTP server on HOST:PORT. */
  serve(fetch: RuntimeFetch, options: RuntimeServeOptions): RuntimeServer;
}

/**
 * Starts the proxy, its outbox drain and the runtime's server, and stops them on SIGINT or SIGTERM.
 * A start-up failure is logged and sets the exit code instead of throwing.
 */
export async function startRuntime(options: StartRuntimeOptions): Promise<void> {
  const log = createJsonLogger();

  let proxy: PreparedProxy;
  try {
    const module = (await import(options.sqliteModule)) as Record<string, new (path: string) => SqliteDatabase>;
    const Database = module[options.sqliteConstructor];
    if (Database === undefined) {
      throw new Error(`${options.sqliteModule} has no export named ${options.sqliteConstructor}: set sqliteConstructor to its database class`);
    }
    const openOutbox = (path: string) => new SqliteOutbox({ path, log, open: (file) => new Database(file) });
    proxy = await prepareProxy({ log, runtimeAddress: options.runtimeAddress, openOutbox });
  } catch (error) {
    const message = error instanceof LeadsyncError ? error.message : `Proxy failed to start: ${String(error)}`;
    log.log('error', message, { code: error instanceof LeadsyncError ? error.code : 'start_failed' });
    process.exitCode = 1;
    return;
  }

  const { app, config, forms, formsPath } = proxy;
  const drain = startDrain(proxy);
  const fetch = limitHeaderBytes((request, env) => app.fetch(request, env), { maxBytes: MAX_HEADER_BYTES, log });
  const server = options.serve(fetch, { hostname: config.host, port: config.port, onError: createErrorResponder(log) });
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}`;
  log.log('info', 'Proxy started', { url, runtime: options.runtime, api: config.marketo.api, forms: forms.size, formsPath });

  // A repeated signal waits for the same stop instead of ending the process with the default handler.
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await server.stop(shutdownGraceMs(config));
      await drain?.stop();
      proxy.outbox?.close();
      log.log('info', 'Proxy stopped', { url });
    })();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Waits for `stopping` or for `graceMs`, whichever ends first. */
export function waitAtMost(stopping: Promise<void>, graceMs: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const graceOver = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, graceMs);
  });
  return Promise.race([stopping, graceOver]).finally(() => clearTimeout(timer));
}

export interface HeaderLimitOptions {
  /** Byte count of the request target plus header names and values at which a request is rejected. */
  maxBytes: number;
  log: Logger;
}

/**
 * Wraps `fetch` so that a request whose target and headers reach `maxBytes` gets 431 with the
 * API's JSON body, as on Node. Deno's parser accepts about 64 KiB of headers, so without this
 * check Deno would serve header blocks that Node rejects. Bun's parser rejects a header block
 * of about 16 KiB itself, before this check runs.
 */
export function limitHeaderBytes(fetch: RuntimeFetch, options: HeaderLimitOptions): RuntimeFetch {
  const { maxBytes, log } = options;

  return function fetchWithinHeaderLimit(request, env) {
    const bytes = countHeaderBytes(request);
    if (bytes < maxBytes) return fetch(request, env);

    const { message, code } = HEADERS_TOO_LARGE_BODY.error;
    log.log('warn', `Rejected a malformed HTTP request: ${message}`, { code, status: 431, headerBytes: bytes });
    return Response.json(HEADERS_TOO_LARGE_BODY, { status: 431 });
  };
}

/**
 * Counts the request target and every header name and value, as Node's HTTP parser does. Header
 * values are byte strings, so one character is one byte. `Headers` joins a repeated header into
 * one value, so for repeated headers the count differs from Node's by a few bytes.
 */
function countHeaderBytes(request: Request): number {
  // The runtimes pass an absolute URL, whose path starts at the first "/" after "http://host".
  const { url } = request;
  let bytes = url.length - url.indexOf('/', url.indexOf('//') + 2);

  for (const [name, value] of request.headers) bytes += name.length + value.length;
  return bytes;
}

/** Creates the runtime error handler that `RuntimeServeOptions.onError` describes. */
export function createErrorResponder(log: Logger): (error: unknown) => Response {
  return function respondToUncaughtError(error) {
    const description = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log.log('error', `Unexpected error outside the app: ${maskEmailAddresses(description)}`, { code: 'internal_error' });
    return Response.json(INTERNAL_ERROR_BODY, { status: 500 });
  };
}
