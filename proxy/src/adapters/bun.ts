/**
 * Bun entry: `bun src/adapters/bun.ts`. Same configuration, forms file, widget and SQLite outbox
 * as the Node entry; Bun's own HTTP server listens on HOST:PORT.
 */
import { getConnInfo } from 'hono/bun';

import { LeadsyncError } from '../errors.js';
import { createJsonLogger } from '../log.js';
import { SqliteOutbox, type SqliteDatabase } from '../outbox/sqlite-outbox.js';
import { prepareProxy, startDrain } from './node.js';

// A variable, so the proxy's type check (Node types) does not look for the module.
const SQLITE_MODULE = 'bun:sqlite';

// The part of Bun's API this entry uses (https://bun.sh/docs/api/http), declared here so the
// proxy's type check needs no Bun types.
declare const Bun: {
  serve(options: { hostname: string; port: number; fetch: (request: Request, server: unknown) => Response | Promise<Response> }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void>;
  };
};

async function main(): Promise<void> {
  const log = createJsonLogger();

  let proxy: Awaited<ReturnType<typeof prepareProxy>>;
  try {
    // better-sqlite3 is a V8 addon that Bun cannot load; bun:sqlite has the same synchronous API.
    const { Database } = (await import(SQLITE_MODULE)) as { Database: new (path: string) => SqliteDatabase };
    const openOutbox = (path: string) => new SqliteOutbox({ path, open: (file) => new Database(file) });
    proxy = await prepareProxy({ log, runtimeAddress: (c) => getConnInfo(c).remote.address, openOutbox });
  } catch (error) {
    const message = error instanceof LeadsyncError ? error.message : `Proxy failed to start: ${String(error)}`;
    log.log('error', message, { code: error instanceof LeadsyncError ? error.code : 'start_failed' });
    process.exitCode = 1;
    return;
  }

  const { app, config, forms, formsPath } = proxy;
  const drain = startDrain(proxy);
  // Bun passes its server as the second argument, which becomes `c.env` for `getConnInfo`.
  const server = Bun.serve({ hostname: config.host, port: config.port, fetch: (request, bunServer) => app.fetch(request, bunServer) });
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}`;
  log.log('info', 'Proxy started', { url, runtime: 'bun', api: config.marketo.api, forms: forms.size, formsPath });

  const stop = async () => {
    await server.stop(true);
    await drain?.stop();
    proxy.outbox?.close();
    log.log('info', 'Proxy stopped', { url });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
