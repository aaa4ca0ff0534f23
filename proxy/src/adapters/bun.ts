/**
 * Bun entry: `bun src/adapters/bun.ts`. Same configuration, forms file and widget as the Node
 * entry; Bun's own HTTP server listens on HOST:PORT.
 */
import { getConnInfo } from 'hono/bun';

import { LeadsyncError } from '../errors.js';
import { createJsonLogger } from '../log.js';
import { prepareProxy } from './node.js';

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
    // NOTE: better-sqlite3 is a V8 addon that Bun cannot load, so this entry runs without the
    // outbox: a submission that cannot be delivered now is answered with its error, not 202.
    proxy = await prepareProxy({ log, runtimeAddress: (c) => getConnInfo(c).remote.address, openOutbox: false });
  } catch (error) {
    const message = error instanceof LeadsyncError ? error.message : `Proxy failed to start: ${String(error)}`;
    log.log('error', message, { code: error instanceof LeadsyncError ? error.code : 'start_failed' });
    process.exitCode = 1;
    return;
  }

  const { app, config, forms, formsPath } = proxy;
  // Bun passes its server as the second argument, which becomes `c.env` for `getConnInfo`.
  const server = Bun.serve({ hostname: config.host, port: config.port, fetch: (request, bunServer) => app.fetch(request, bunServer) });
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${server.port}`;
  log.log('info', 'Proxy started', { url, runtime: 'bun', api: config.marketo.api, forms: forms.size, formsPath });

  const stop = () => {
    server.stop(true).then(() => log.log('info', 'Proxy stopped', { url }));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
