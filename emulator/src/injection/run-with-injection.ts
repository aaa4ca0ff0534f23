import type { Context } from "hono";

import type { FaultInjector } from "./fault-injector.ts";
import type { InjectedFault, Transport } from "./fault-settings.ts";

export interface InjectionOptions {
  transport: Transport;
  /** Renders the transport's error for an injected `fault` entry. */
  renderFault: (code: number) => Response;
  /** Called with each injected failure, for the call log. */
  onInjected?: (fault: InjectedFault) => void;
}

const HTML_500_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>500 Internal Server Error</title></head>
<body><h1>500 Internal Server Error</h1><p>The server encountered an internal error (injected by the Leadsync emulator).</p></body></html>
`;

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/**
 * Destroys the TCP connection of a request served by @hono/node-server, so the client sees a
 * reset instead of a reply. Returns false when the request has no socket (in-process
 * `app.request()` calls).
 */
export function dropConnection(c: Context): boolean {
  const env: unknown = c.env;
  const incoming = (env as { incoming?: { socket?: { destroy(): void } } } | undefined)?.incoming;
  if (incoming?.socket === undefined) {
    return false;
  }
  incoming.socket.destroy();
  return true;
}

function droppedResponse(c: Context): Response {
  if (dropConnection(c)) {
    // Nothing reaches the client; @hono/node-server discards a reply to a destroyed socket.
    return new Response(null, { status: 500 });
  }
  return new Response("connection drop requested, but this request has no socket to destroy", {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * Runs an API call under the configured fault injection: the added latency first, then the
 * next queued failure if one applies, else `apply` followed by the configured reply hold.
 * `apply` performs the write and renders the reply.
 */
export async function runWithInjection(
  c: Context,
  injector: FaultInjector,
  options: InjectionOptions,
  apply: () => Promise<Response>,
): Promise<Response> {
  await sleep(injector.latencyMs);

  const fault = injector.takeNext(options.transport);
  if (fault !== undefined) {
    options.onInjected?.(fault);
  }

  switch (fault?.kind) {
    case "fault":
      return options.renderFault(fault.code ?? 0);
    case "html500":
      return new Response(HTML_500_PAGE, {
        status: 500,
        headers: { "content-type": "text/html; charset=utf-8" },
      });
    case "drop":
      return droppedResponse(c);
    case "dropAfterApply":
      await apply();
      return droppedResponse(c);
    case undefined:
      break;
  }

  const response = await apply();
  await sleep(injector.holdReplyMs);
  return response;
}
