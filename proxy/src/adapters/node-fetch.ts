import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

import type { UpstreamFetch, UpstreamReply } from '../marketo/upstream-fetch.js';

export interface NodeFetchOptions {
  /**
   * Idle time after which a kept-alive connection is closed, in ms. Default 4,000: below the
   * 5 s after which Node servers close idle connections, so a request is not written into a
   * connection the server is closing.
   */
  idleTimeoutMs?: number;
  /** Sends what this function does not handle (see `createNodeFetch`). Default `globalThis.fetch`. */
  fallback?: UpstreamFetch;
  /** Largest reply body read, in bytes; a larger reply fails the request. Default 4 MiB. */
  maxReplyBytes?: number;
}

/** An `UpstreamFetch` whose kept-alive connections can be closed. */
export type NodeFetch = UpstreamFetch & {
  /** Closes every open connection; later calls open new ones. */
  close(): void;
};

const DEFAULT_IDLE_TIMEOUT_MS = 4_000;
// Marketo's replies to the calls the proxy makes are a few KiB; a larger one is not Marketo's.
const DEFAULT_MAX_REPLY_BYTES = 4 * 1024 * 1024;
const UTF8 = new TextDecoder();

/**
 * Creates the proxy's upstream fetch on Node. Requests go through node:http and node:https over
 * kept-alive connections, and each reply is read whole into a small `UpstreamReply`.
 *
 * Node 20's global fetch builds request objects and web streams for every call. In a loop of
 * small POSTs on loopback it used about 0.38 ms of CPU per call and this function about 0.13 ms
 * (`bench/proxy/upstream-client.ts`), which was a third of the proxy's CPU per submission.
 * Workers, Deno and Bun keep their own fetch.
 *
 * It handles what the Marketo transports send: an http(s) URL, a method, headers, a string or
 * byte body and an abort signal. It does not follow redirects. A redirect response reaches the
 * transport with its 3xx status, which the transport reports as a failed call. A request with
 * another body type or scheme goes to `fallback`.
 */
export function createNodeFetch(options: NodeFetchOptions = {}): NodeFetch {
  const fallback = options.fallback ?? globalThis.fetch.bind(globalThis);
  const maxReplyBytes = options.maxReplyBytes ?? DEFAULT_MAX_REPLY_BYTES;
  const agentOptions = { keepAlive: true, timeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);

  function nodeFetch(url: string, init: RequestInit): Promise<UpstreamReply> {
    const target = new URL(url);
    const body = init.body ?? undefined;
    const secure = target.protocol === 'https:';
    const handled = (secure || target.protocol === 'http:') && (body === undefined || typeof body === 'string' || body instanceof Uint8Array);
    if (!handled) return fallback(url, init);

    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(signal.reason);

    return new Promise<UpstreamReply>((resolve, reject) => {
      const headers = headerRecord(init.headers);
      if (body !== undefined) headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);

      const send = secure ? httpsRequest : httpRequest;
      const outgoing = send(target, { method: init.method ?? 'GET', headers, agent: secure ? httpsAgent : httpAgent });
      let settled = false;
      let replied = false;

      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        reject(signal?.aborted ? signal.reason : error);
      };
      // The promise is rejected here, not only through the socket's events: a socket that node:http
      // has already destroyed emits nothing more when it is destroyed again.
      const onAbort = () => {
        outgoing.destroy();
        fail(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      outgoing.once('error', fail);
      // Without this listener node:http destroys the socket of a 101 reply and emits only `close`.
      outgoing.once('upgrade', (_incoming, socket) => {
        socket.destroy();
        fail(new Error('the server replied 101 Switching Protocols, which is not an API reply'));
      });
      outgoing.once('close', () => {
        if (!replied) fail(new Error('the connection closed before a reply'));
      });
      outgoing.once('response', (incoming) => {
        replied = true;
        readWhole(incoming, maxReplyBytes).then((bytes) => {
          if (settled) return;
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          resolve(new NodeReply(incoming.statusCode ?? 0, bytes));
        }, fail);
      });
      outgoing.end(body);
    });
  }

  return Object.assign(nodeFetch, {
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}

/**
 * Returns the request headers as a record for node:http, without a `Content-Length`, which
 * `nodeFetch` sets from the body. A plain record is copied as it is, which is cheaper than
 * going through `Headers`.
 */
function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  if (init === undefined) return {};

  const record: Record<string, string> = {};
  const entries = init instanceof Headers || Array.isArray(init) ? new Headers(init) : Object.entries(init);
  for (const [name, value] of entries) {
    if (name.toLowerCase() !== 'content-length') record[name] = value;
  }
  return record;
}

/** A reply read whole. `text()` decodes as `Response.text()` does: UTF-8 without a byte-order mark. */
class NodeReply implements UpstreamReply {
  readonly status: number;
  readonly #bytes: Uint8Array;

  constructor(status: number, bytes: Uint8Array) {
    this.status = status;
    this.#bytes = bytes;
  }

  text(): Promise<string> {
    return Promise.resolve(UTF8.decode(this.#bytes));
  }
}

function readWhole(incoming: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    incoming.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      reject(new Error(`the reply exceeded ${maxBytes} bytes and was not read`));
      incoming.destroy();
    });
    incoming.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    incoming.once('error', reject);
    // A connection that breaks before the reply is complete closes without `end`.
    incoming.once('close', () => {
      if (!incoming.complete) reject(new Error('the connection closed before the reply was complete'));
    });
  });
}
