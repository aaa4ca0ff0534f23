/**
 * Deno entry: `deno run --allow-net --allow-env --allow-read --allow-write --allow-sys
 * --unstable-sloppy-imports src/adapters/deno.ts` from `proxy/`. Same configuration, forms file,
 * widget and SQLite outbox as the Node entry; Deno's own HTTP server listens on HOST:PORT. The
 * proxy's imports name `.js` files that exist as `.ts` sources, which Deno resolves only with
 * sloppy imports.
 */
import { getConnInfo } from 'hono/deno';

import { startRuntime, waitAtMost } from './start-runtime.js';

// The part of Deno's API this entry uses (https://docs.deno.com/api/deno/~/Deno.serve), declared
// here so the proxy's type check needs no Deno types.
declare const Deno: {
  serve(
    options: {
      hostname: string;
      port: number;
      onListen?: (address: { hostname: string; port: number }) => void;
      onError?: (error: unknown) => Response | Promise<Response>;
    },
    handler: (request: Request, info: unknown) => Response | Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void> };
};

await startRuntime({
  runtime: 'deno',
  sqliteModule: 'node:sqlite',
  sqliteConstructor: 'DatabaseSync',
  runtimeAddress: (c) => getConnInfo(c).remote.address,
  serve(fetch, { hostname, port, onError }) {
    // Deno prints its own "Listening on" line unless onListen replaces it.
    // Deno passes the connection info as the second argument, which becomes `c.env` for `getConnInfo`.
    const server = Deno.serve({ hostname, port, onListen: () => undefined, onError }, (request, info) => fetch(request, info));
    return {
      port: server.addr.port,
      // shutdown() waits for the requests in flight. After the grace time the proxy goes on
      // stopping without waiting further, and the process exit ends what is left.
      stop: (graceMs) => waitAtMost(server.shutdown(), graceMs),
    };
  },
});
