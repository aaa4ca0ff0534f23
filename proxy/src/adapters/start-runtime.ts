import { LeadsyncError } from '../errors.js';
import { createJsonLogger } from '../log.js';
import type { RuntimeAddressReader } from '../middleware/client-address/index.js';
import { SqliteOutbox, type SqliteDatabase } from '../outbox/sqlite-outbox.js';
import { prepareProxy, startDrain, type PreparedProxy } from './node.js';

/** A runtime's HTTP server as the shared start-up code needs it. */
export interface RuntimeServer {
  /** The port the server listens on, known once `serve` returns (PORT=0 picks a free one). */
  port: number;
  /** Closes the listener and open connections. */
  stop(): Promise<void>;
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
  /** Serves `app.fetch` with the runtime's own HTTP server on HOST:PORT. */
  serve(app: PreparedProxy['app'], address: { hostname: string; port: number }): RuntimeServer;
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
    const openOutbox = (path: string) => new SqliteOutbox({ path, open: (file) => new Database(file) });
    proxy = await prepareProxy({ log, runtimeAddress: options.runtimeAddress, openOutbox });
  } catch (error) {
    const message = error instanceof LeadsyncError ? error.message : `Proxy failed to start: ${String(error)}`;
    log.log('error', message, { code: error instanceof LeadsyncError ? error.code : 'start_failed' });
    process.exitCode = 1;
    return;
  }

  const { app, config, forms, formsPath } = proxy;
  const drain = startDrain(proxy);
  const server = options.serve(app, { hostname: config.host, port: config.port });
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}`;
  log.log('info', 'Proxy started', { url, runtime: options.runtime, api: config.marketo.api, forms: forms.size, formsPath });

  const stop = async () => {
    await server.stop();
    await drain?.stop();
    proxy.outbox?.close();
    log.log('info', 'Proxy stopped', { url });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
