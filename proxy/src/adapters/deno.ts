/**
 * Deno entry: `deno run --allow-net --allow-env --allow-read --allow-write --allow-sys
 * --unstable-sloppy-imports src/adapters/deno.ts` from `proxy/`. Same configuration, forms file,
 * widget and SQLite outbox as the Node entry; Deno's own HTTP server listens on HOST:PORT. The
 * proxy's imports name `.js` files that exist as `.ts` sources, which Deno resolves only with
 * sloppy imports.
 */
import { getConnInfo } from 'hono/deno';

import { LeadsyncError } from '../errors.js';
import { createJsonLogger } from '../log.js';
import { SqliteOutbox, type SqliteDatabase } from '../outbox/sqlite-outbox.js';
import { prepareProxy, startDrain } from './node.js';

// A variable, so the proxy's type check (Node types) does not look for the module.
const SQLITE_MODULE = 'node:sqlite';

// The part of Deno's API this entry uses (https://docs.deno.com/api/deno/~/Deno.serve), declared
// here so the proxy's type check needs no Deno types.
declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void> };
};

async function main(): Promise<void> {
  const log = createJsonLogger();

  let proxy: Awaited<ReturnType<typeof prepareProxy>>;
  try {
    // better-sqlite3 is a V8 addon that Deno cannot load; node:sqlite has the same synchronous API.
    const { DatabaseSync } = (await import(SQLITE_MODULE)) as { DatabaseSync: new (path: string) => SqliteDatabase };
    const openOutbox = (path: string) => new SqliteOutbox({ path, open: (file) => new DatabaseSync(file) });
    proxy = await prepareProxy({ log, runtimeAddress: (c) => getConnInfo(c).remote.address, openOutbox });
  } catch (error) {
    const message = error instanceof LeadsyncError ? error.message : `Proxy failed to start: ${String(error)}`;
    log.log('error', message, { code: error instanceof LeadsyncError ? error.code : 'start_failed' });
    process.exitCode = 1;
    return;
  }

  const { app, config, forms, formsPath } = proxy;
  const drain = startDrain(proxy);
  // Deno prints its own "Listening on" line unless onListen replaces it.
  // Deno passes the connection info as the second argument, which becomes `c.env` for `getConnInfo`.
  const listen = { hostname: config.host, port: config.port, onListen: () => undefined };
  const server = Deno.serve(listen, (request, info) => app.fetch(request, info));
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.addr.port}`;
  log.log('info', 'Proxy started', { url, runtime: 'deno', api: config.marketo.api, forms: forms.size, formsPath });

  const stop = async () => {
    await server.shutdown();
    await drain?.stop();
    proxy.outbox?.close();
    log.log('info', 'Proxy stopped', { url });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
