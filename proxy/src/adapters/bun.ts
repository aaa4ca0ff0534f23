/**
 * Bun entry: `bun src/adapters/bun.ts`. Same configuration, forms file, widget and SQLite outbox
 * as the Node entry; Bun's own HTTP server listens on HOST:PORT.
 */
import { getConnInfo } from 'hono/bun';

import { startRuntime } from './start-runtime.js';

// The part of Bun's API this entry uses (https://bun.sh/docs/api/http), declared here so the
// proxy's type check needs no Bun types.
declare const Bun: {
  serve(options: { hostname: string; port: number; fetch: (request: Request, server: unknown) => Response | Promise<Response> }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void>;
  };
};

await startRuntime({
  runtime: 'bun',
  sqliteModule: 'bun:sqlite',
  sqliteConstructor: 'Database',
  runtimeAddress: (c) => getConnInfo(c).remote.address,
  serve(app, { hostname, port }) {
    // Bun passes its server as the second argument, which becomes `c.env` for `getConnInfo`.
    const server = Bun.serve({ hostname, port, fetch: (request, bunServer) => app.fetch(request, bunServer) });
    return { port: server.port, stop: () => server.stop(true) };
  },
});
