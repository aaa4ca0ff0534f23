import { readFile } from 'node:fs/promises';
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { getRequestListener, RequestError as NodeServerRequestError, type ServerType } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';

import { createApp, createCallLimiter, DEFAULT_MAX_BODY_BYTES } from '../app.js';
import { callLimitWarnings, loadConfig, type Env, type ProxyConfig } from '../config.js';
import { KeyedLock } from '../delivery/keyed-lock.js';
import { MarketoStatus } from '../delivery/marketo-status.js';
import { QuotaGate } from '../delivery/quota-gate.js';
import { ConfigError, FormsConfigError, LeadsyncError } from '../errors.js';
import type { FormCatalog } from '../forms/form-definition.js';
import { parseForms } from '../forms/parse-forms.js';
import { HEADERS_TOO_LARGE_BODY, INTERNAL_ERROR_BODY } from '../http/error-response.js';
import type { RuntimeAddressReader } from '../middleware/client-address/index.js';
import { createJsonLogger, maskEmailAddresses, type Logger } from '../log.js';
import type { UpstreamFetch } from '../marketo/upstream-fetch.js';
import { createBatchedLines, type BatchedLines } from '../observability/batched-lines.js';
import type { StructuredLogger } from '../observability/logger.js';
import { createOutboxDeliver } from '../outbox/create-outbox-deliver.js';
import { startOutboxDrain, type OutboxDrainTimer } from '../outbox/drain-outbox.js';
import type { DeadLetterStore, DeliverEntry, DrainableOutbox } from '../outbox/outbox.js';
import { DEFAULT_OUTBOX_PATH } from '../outbox/outbox-path.js';
import { createRetrySchedule, describeFailure } from '../outbox/retry-schedule.js';
import { SqliteOutbox } from '../outbox/sqlite-outbox.js';
import { truncate } from '../text/truncate.js';
import { createNodeFetch } from './node-fetch.js';

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
  /** Upstream fetch. Default for `startProxy`: `createNodeFetch()`; for Deno and Bun: their `fetch`. */
  fetch?: UpstreamFetch;
}

export interface RunningProxy {
  /** Base URL such as `http://127.0.0.1:8787`, without a trailing slash. */
  url: string;
  /** Runs an outbox drain now, or waits for the one in progress; tests and benchmarks use it. */
  drainOutbox(): Promise<void>;
  /** Stops listening, waits for a running drain and closes the outbox. */
  close(): Promise<void>;
}

/**
 * Starts the proxy on Node: reads the configuration and the forms file, serves the built widget
 * from `widget/dist/leadsync.js` (or `LEADSYNC_WIDGET_PATH`) and listens on HOST:PORT.
 *
 * Throws `ConfigError` or `FormsConfigError` before listening when the configuration is invalid.
 */
export async function startProxy(options: StartProxyOptions = {}): Promise<RunningProxy> {
  const nodeFetch = options.fetch === undefined ? createNodeFetch() : undefined;
  const prepared = await prepareProxy({ ...options, fetch: options.fetch ?? nodeFetch });
  const { app, config, log, forms, formsPath } = prepared;
  const port = options.port ?? config.port;

  const server = await listen(app.fetch, config.host, port, log).catch((error: unknown) => {
    prepared.outbox?.close();
    throw describeListenError(error, config.host, port);
  });
  guardNodeServer(server as Server, { maxBodyBytes: DEFAULT_MAX_BODY_BYTES, log });
  // Open connections, so a stop can ask the clients of kept-alive ones to close them.
  const connections = new Set<Duplex>();
  server.on('connection', (socket: Duplex) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
  });
  const address = server.address() as AddressInfo;
  const url = `http://${formatHost(config.host)}:${address.port}`;
  const drain = startDrain(prepared);
  log.log('info', 'Proxy started', { url, api: config.marketo.api, forms: forms.size, formsPath, outboxPath: prepared.outbox?.path });

  // A second close (Ctrl-C sends SIGINT to the process group, then `pnpm start` sends SIGTERM)
  // waits for the first instead of closing a closed server.
  let closing: Promise<void> | undefined;
  const close = () =>
    closeServer(server, shutdownGraceMs(config), connections).then(async () => {
      await drain?.stop();
      prepared.outbox?.close();
      nodeFetch?.close();
      // Writes the counts of repeated warnings and errors still held back, before the last line.
      if ('flush' in log && typeof log.flush === 'function') log.flush();
      log.log('info', 'Proxy stopped', { url });
    });

  return {
    url,
    drainOutbox: async () => {
      await drain?.drainNow();
    },
    close: () => (closing ??= close()),
  };
}

export interface PrepareProxyOptions extends Pick<StartProxyOptions, 'env' | 'log' | 'fetch'> {
  /** Reads the peer address from the runtime's server. Default: the Node socket's address. */
  runtimeAddress?: RuntimeAddressReader;
  /**
   * Opens the outbox at the configured path. Default: a `SqliteOutbox` through better-sqlite3.
   * `false` runs without an outbox, so the response to a failed delivery is its error instead of
   * `202 queued`.
   */
  openOutbox?: ((path: string) => NodeOutbox) | false;
}

/** An outbox the Node drain empties and the admin routes manage. */
export type NodeOutbox = DrainableOutbox & DeadLetterStore & { readonly path: string; close(): void };

/** The app with everything it was built from, before it listens anywhere. */
export interface PreparedProxy {
  app: ReturnType<typeof createApp>;
  config: ProxyConfig;
  log: Logger;
  forms: FormCatalog;
  formsPath: string;
  /** Undefined when `openOutbox` was `false`. */
  outbox: NodeOutbox | undefined;
  /** Delivers outbox entries through the app's limiter and per-e-mail lock. */
  deliverEntry: DeliverEntry;
}

/**
 * Reads the configuration and the forms file and creates the app without listening. The Node,
 * Deno and Bun entries share it; each then serves `app.fetch` with its runtime's server.
 */
export async function prepareProxy(options: PrepareProxyOptions = {}): Promise<PreparedProxy> {
  const env = options.env ?? process.env;
  const log = options.log ?? createStdoutLogger();
  const config = loadConfig(env);
  for (const warning of callLimitWarnings(config)) log.log('warn', warning);

  const formsPath = resolve(config.formsPath ?? DEFAULT_FORMS_PATH);
  const forms = await readForms(formsPath, config);
  const widgetPath = resolve(env.LEADSYNC_WIDGET_PATH?.trim() || DEFAULT_WIDGET_PATH);

  // Live submissions and the outbox drain share one limiter, one per-e-mail lock, the quota state
  // and the record of the last Marketo call.
  const limiter = createCallLimiter(config);
  const emailLock = new KeyedLock();
  const quotaGate = new QuotaGate({ log, dailyBudget: config.delivery.dailyQuota });
  const marketoStatus = new MarketoStatus();
  const openOutbox = options.openOutbox ?? ((path: string) => new SqliteOutbox({ path, log }));
  const outbox = openOutbox === false ? undefined : openOutbox(resolve(config.outbox.path ?? DEFAULT_OUTBOX_PATH));

  const app = createApp({
    config,
    forms,
    loadWidget: () => readWidget(widgetPath),
    log,
    runtimeAddress: options.runtimeAddress ?? ((c) => getConnInfo(c).remote.address),
    limiter,
    emailLock,
    quotaGate,
    marketoStatus,
    ...(outbox && { outbox, deadLetters: outbox, outboxStats: () => outbox.stats() }),
    ...(options.fetch && { fetch: options.fetch }),
  });
  const deliverEntry = createOutboxDeliver({ config, limiter, lock: emailLock, quotaGate, marketoStatus, log, ...(options.fetch && { fetch: options.fetch }) });

  return { app, config, log, forms, formsPath, outbox, deliverEntry };
}

/**
 * Drains the outbox now and then every `LEADSYNC_OUTBOX_DRAIN_INTERVAL_MS`, so a restart resumes
 * at once. Returns undefined when the proxy has no outbox. The Deno and Bun entries use it too.
 */
export function startDrain(prepared: PreparedProxy): OutboxDrainTimer | undefined {
  const { outbox, config, log, deliverEntry } = prepared;
  if (outbox === undefined) return undefined;

  const drain = startOutboxDrain({
    outbox,
    deliver: deliverEntry,
    log,
    intervalMs: config.outbox.drainIntervalMs,
    schedule: createRetrySchedule({ maxAttempts: config.outbox.maxAttempts, baseDelayMs: config.outbox.retryBaseDelayMs }),
  });
  drain.drainNow().catch((error: unknown) => log.log('error', `Outbox drain failed: ${describeFailure(error)}`));
  return drain;
}

async function readForms(path: string, config: ProxyConfig): Promise<FormCatalog> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new FormsConfigError(
      `Cannot read the forms file ${path} (${reason}); check LEADSYNC_CONFIG. A relative path is resolved from the current directory, ${process.cwd()}.`,
      { cause: error },
    );
  }

  let document: unknown;
  try {
    // Some Windows editors save JSON with a byte order mark, which JSON.parse rejects.
    document = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
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

/** Turns a failed listen into a `ConfigError` that names HOST or PORT, where one is at fault. */
function describeListenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const address = `${formatHost(host)}:${port}`;

  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EADDRNOTAVAIL') {
    return new ConfigError('HOST', `HOST=${host} is not an address of this machine (${code}); set HOST to one, e.g. 127.0.0.1 or 0.0.0.0.`, { cause: error });
  }
  if (code === 'EADDRINUSE') {
    return new ConfigError('PORT', `PORT=${port}: ${address} is already in use; stop the process that uses it or set PORT to a free port, e.g. PORT=${port + 1}.`, { cause: error });
  }
  if (code === 'EACCES') {
    return new ConfigError('PORT', `PORT=${port}: listening on ${address} is not permitted (EACCES); ports below 1024 need privileges, so set PORT to 1024 or above, e.g. PORT=8787.`, { cause: error });
  }
  return error;
}

function listen(fetchCallback: (request: Request) => Response | Promise<Response>, hostname: string, port: number, log: Logger): Promise<ServerType> {
  // For a request it cannot turn into a URL (`Host: a b`, `GET *`), @hono/node-server's `serve`
  // sends an empty 400. Its listener with an error handler sends the JSON body.
  const listener = getRequestListener(fetchCallback, { hostname, errorHandler: (error) => requestErrorResponse(error, log) });
  return new Promise((resolveServer, rejectServer) => {
    const server = createServer(listener);
    server.once('error', rejectServer);
    server.listen(port, hostname, () => resolveServer(server));
  });
}

/** Returns the response to a request that failed before the app ran: 400 when its URL cannot be built, else 500. */
function requestErrorResponse(error: unknown, log: Logger): Response {
  const json = { 'Content-Type': 'application/json' };
  if (error instanceof NodeServerRequestError) {
    log.log('info', 'Rejected a request whose URL cannot be built', { code: 'invalid_request', error: truncate(error.message) });
    const body = errorBody('invalid_request', 'The request target or Host header is invalid; send a path that starts with / and a Host of host[:port].');
    return new Response(body, { status: 400, headers: json });
  }

  log.log('error', `Unexpected error before the app ran: ${maskEmailAddresses(error instanceof Error ? error.message : String(error))}`, { code: 'internal_error' });
  return new Response(JSON.stringify(INTERNAL_ERROR_BODY), { status: 500, headers: json });
}

export interface NodeServerGuardOptions {
  /** Largest accepted request body in bytes; must match the app's `maxBodyBytes`. */
  maxBodyBytes: number;
  log: Logger;
}

/**
 * Sends the API's JSON error body for requests that Node's HTTP server rejects before the app
 * runs, and keeps Node from inviting a body the app would reject:
 *
 * - `Expect: 100-continue` with a `Content-Length` above `maxBodyBytes` gets 413 without a
 *   `100 Continue`, which RFC 9110 §10.1.1 allows, so the client does not send the body.
 * - A request Node cannot parse (a negative, repeated or non-numeric `Content-Length`, both
 *   `Content-Length` and `Transfer-Encoding`) gets 400, and headers or a URL over Node's
 *   header size limit get 431. Node's own responses to these have an empty body.
 */
export function guardNodeServer(server: Server, options: NodeServerGuardOptions): void {
  const { maxBodyBytes, log } = options;

  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) => {
    const length = Number(request.headers['content-length']);
    if (length > maxBodyBytes) {
      const body = errorBody('payload_too_large', `The request body is larger than ${maxBodyBytes} bytes.`);
      response.writeHead(413, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
      response.end(body);
      return;
    }

    response.writeContinue();
    server.emit('request', request, response);
  });

  // Without this listener, Node sends an empty 417 for an Expect other than 100-continue.
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const expectation = JSON.stringify(truncate(String(request.headers.expect ?? '')));
    const body = errorBody('expectation_failed', `Expect ${expectation} is not supported; send the request without Expect, or with Expect: 100-continue.`);
    response.writeHead(417, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
    response.end(body);
  });

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // The client hung up, mid-request or not (HPE_INVALID_EOF_STATE), so no client reads a
    // reply. The app logs a cut-off body as client_aborted.
    if (error.code === 'ECONNRESET' || error.code === 'HPE_INVALID_EOF_STATE' || !socket.writable) {
      socket.destroy();
      return;
    }

    const rejection = describeClientError(error);
    log.log('warn', `Rejected a malformed HTTP request: ${rejection.message}`, { code: rejection.code, status: rejection.status, cause: error.code });
    const body = errorBody(rejection.code, rejection.message, rejection.retryable);
    const reply =
      `HTTP/1.1 ${rejection.status} ${STATUS_CODES[rejection.status]}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body;
    replyAfterPendingResponses(socket, reply);
  });
}

/**
 * Writes `reply` and closes the connection once the responses to the complete requests that
 * arrived before the malformed bytes on the same connection are sent. A valid request followed
 * by garbage in one packet thus still gets its response.
 */
function replyAfterPendingResponses(socket: Duplex, reply: string): void {
  const pending = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (pending && !pending.writableFinished) {
    if (pending.req.complete) {
      // Node hands the socket to the next pipelined response on 'finish', before this runs.
      pending.once('finish', () => process.nextTick(replyAfterPendingResponses, socket, reply));
      pending.once('close', () => {
        if (!pending.writableFinished) socket.destroy();
      });
      return;
    }

    // The bad bytes are inside this request's body (a broken chunk size, a hang-up), so its
    // handler waits for a body that will not come. A raw reply would cut into a begun response.
    if (pending.headersSent) {
      socket.destroy();
      return;
    }
  }

  if (socket.writable) socket.end(reply);
  else socket.destroy();
}

interface ClientErrorRejection {
  status: number;
  code: string;
  message: string;
  retryable: boolean;
}

/** Parser error codes of llhttp, Node's HTTP parser, grouped by the part of the request they name. */
const REQUEST_LINE_ERRORS = new Set(['HPE_INVALID_METHOD', 'HPE_INVALID_URL', 'HPE_INVALID_VERSION', 'HPE_INVALID_CONSTANT']);
const HEADER_ERRORS = new Set(['HPE_INVALID_HEADER_TOKEN', 'HPE_LF_EXPECTED', 'HPE_CR_EXPECTED']);
const CHUNK_ERRORS = new Set(['HPE_INVALID_CHUNK_SIZE', 'HPE_CHUNK_EXTENSIONS_OVERFLOW']);

function describeClientError(error: NodeJS.ErrnoException): ClientErrorRejection {
  if (error.code === 'HPE_HEADER_OVERFLOW') return { status: 431, ...HEADERS_TOO_LARGE_BODY.error };
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, code: 'request_timeout', message: 'The request did not arrive in time; send it again.', retryable: true };
  }

  let message = 'The HTTP request is malformed; check Content-Length and Transfer-Encoding, which must be valid and not both present.';
  if (REQUEST_LINE_ERRORS.has(error.code ?? '')) {
    message =
      'The HTTP request line is malformed; send a method, a path and the version, ending in CRLF, e.g. "POST /v1/forms/contact/submissions HTTP/1.1". ' +
      'Bytes after a request\'s declared Content-Length are read as the next request.';
  } else if (HEADER_ERRORS.has(error.code ?? '')) {
    message = 'An HTTP header line is malformed; send each header as "Name: value" with a name of letters, digits and dashes, ending in CRLF.';
  } else if (CHUNK_ERRORS.has(error.code ?? '')) {
    message = 'The chunked request body is malformed; each chunk must start with its size in hexadecimal, or send the body with Content-Length.';
  }
  return { status: 400, code: 'invalid_request', message, retryable: false };
}

function errorBody(code: string, message: string, retryable = false): string {
  return JSON.stringify({ error: { code, message, retryable } });
}

/**
 * Returns how long a stopping proxy waits for requests in flight: one delivery budget, after which
 * every submission has its response or its outbox entry, and a little more for writing the reply.
 */
export function shutdownGraceMs(config: ProxyConfig): number {
  return config.delivery.deliveryTimeoutMs + 2_000;
}

// While the server closes, connections that turn idle after their response are closed this often.
const IDLE_SWEEP_MS = 50;

/**
 * Stops accepting connections, lets the requests in flight finish, and closes the connections
 * still open after `graceMs`. Cutting a running submission would lose its reply, and its outbox
 * entry too, because the outbox closes right after the server.
 */
function closeServer(server: ServerType, graceMs: number, connections: ReadonlySet<Duplex>): Promise<void> {
  const http = server as Server;

  // Responses not yet begun, and requests still to come on a kept-alive connection, ask the
  // client to close it, because a client that reuses a connection the sweep closes loses its request.
  for (const socket of connections) {
    const response = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (response && !response.headersSent) response.shouldKeepAlive = false;
  }
  http.on('request', (_request: IncomingMessage, response: ServerResponse) => {
    response.shouldKeepAlive = false;
  });

  return new Promise((resolveClose, rejectClose) => {
    const sweep = setInterval(() => http.closeIdleConnections(), IDLE_SWEEP_MS);
    const deadline = setTimeout(() => http.closeAllConnections(), graceMs);
    server.close((error) => {
      clearInterval(sweep);
      clearTimeout(deadline);
      if (error) rejectClose(error);
      else resolveClose();
    });
    http.closeIdleConnections();
  });
}

let stdoutLines: BatchedLines | undefined;

/**
 * Creates the default logger, which writes JSON lines to standard output in batches
 * (`createBatchedLines`). Lines still queued when the process exits are written then.
 */
export function createStdoutLogger(): StructuredLogger {
  if (stdoutLines === undefined) {
    const lines = createBatchedLines({ output: (chunk) => process.stdout.write(chunk) });
    process.once('exit', lines.flush);
    stdoutLines = lines;
  }
  const lines = stdoutLines;
  // An error line leaves at once, with those queued before it: a crash that skips the `exit`
  // event (out of memory, SIGKILL) must not take the error that explains it along.
  return createJsonLogger((line, level) => {
    lines.write(line);
    if (level === 'error') lines.flush();
  });
}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

async function main(): Promise<void> {
  const log = createStdoutLogger();

  let proxy: RunningProxy;
  try {
    proxy = await startProxy({ log });
  } catch (error) {
    const message = error instanceof LeadsyncError ? error.message : `Proxy failed to start: ${String(error)}`;
    log.log('error', message, { code: error instanceof LeadsyncError ? error.code : 'start_failed' });
    process.exitCode = 1;
    return;
  }

  // Every signal is handled, the second too: Node's default for a repeated SIGTERM or SIGINT
  // would end the process at once and cut the requests the first one lets finish.
  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) log.log('info', `Received ${signal} while stopping; still waiting for the requests in flight`, { signal });
    proxy.close().catch((error: unknown) => {
      log.log('error', `Proxy did not stop cleanly: ${String(error)}`);
      process.exitCode = 1;
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
