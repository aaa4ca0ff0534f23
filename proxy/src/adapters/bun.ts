/**
 * Bun entry: `bun src/adapters/bun.ts`. Same configuration, forms file, widget and SQLite outbox
 * as the Node entry; Bun's own HTTP server listens on HOST:PORT.
 */
import { getConnInfo } from 'hono/bun';

import { startRuntime, waitAtMost } from './start-runtime.js';

// The part of Bun's API this entry uses (https://bun.sh/docs/api/http), declared here so the
// proxy's type check needs no Bun types.
declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    development: boolean;
    maxRequestBodySize: number;
    fetch: (request: Request, server: unknown) => Response | Promise<Response>;
    error: (error: unknown) => Response;
  }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void>;
  };
};

await startRuntime({
  runtime: 'bun',
  sqliteModule: 'bun:sqlite',
  sqliteConstructor: 'Database',
  runtimeAddress: (c) => getConnInfo(c).remote.address,
  serve(fetch, { hostname, port, onError }) {
    const server = Bun.serve({
      hostname,
      port,
      // In development mode Bun replies to an error with a page that shows the stack and source lines.
      development: false,
      // Bun rejects a declared length above this with its own 413 and an empty body (default
      // 128 MiB). Without a limit every declared length reaches the app, whose own limit sends
      // 413 with the JSON body.
      // NOTE: after that 413, Bun 1.4 still reads and discards the rest of the body: up to the
      // declared length, or a chunked body until the client stops. On Node, @hono/node-server
      // closes the connection after 64 MiB or 500 ms.
      maxRequestBodySize: Number.POSITIVE_INFINITY,
      // Bun passes its server as the second argument, which becomes `c.env` for `getConnInfo`.
      fetch: (request, bunServer) => fetch(request, bunServer),
      error: onError,
    });
    return {
      port: server.port,
      // Without `true`, Bun's stop waits for the requests in flight; with it, it cuts them.
      stop: (graceMs) => waitAtMost(server.stop(), graceMs).then(() => server.stop(true)),
    };
  },
});
