import type { Context, MiddlewareHandler, Next } from 'hono';

import { LeadsyncError, RequestError } from '../../errors.js';
import { limitBodySize as limitStreamedBody } from '../../http/require-json.js';

const DECIMAL = /^[0-9]+$/;

/**
 * Rejects a body larger than `maxBytes` with 413. A request that declares its length is judged
 * by `Content-Length` alone, because the runtime's HTTP parser never delivers more body than
 * declared, so the body is not touched here. On Node this keeps @hono/node-server's fast path, which reads the body
 * straight from the socket; wrapping it in a web stream first cost more CPU per submission than
 * the proxy's own checks. A streamed body without a length is counted as it arrives.
 */
export function limitBodySize(maxBytes: number): MiddlewareHandler {
  const limitStreamed = limitStreamedBody(maxBytes);

  // The streamed body is read here, before the handler runs, so a client that hangs up midway
  // fails here too. That is the client's doing, not an unexpected error of the proxy.
  async function countStreamedBody(c: Context, next: Next): Promise<Response | void> {
    let handlerStarted = false;
    try {
      return await limitStreamed(c, async () => {
        handlerStarted = true;
        await next();
      });
    } catch (error) {
      if (handlerStarted || error instanceof LeadsyncError) throw error;
      c.set('submissionOutcome', 'aborted');
      throw new RequestError('client_aborted', 400, 'The client closed the connection before the whole request body arrived.', { cause: error });
    }
  }

  return async function limitBodySize(c, next) {
    const declared = c.req.header('Content-Length');
    if (declared === undefined || c.req.header('Transfer-Encoding') !== undefined || !DECIMAL.test(declared)) {
      return countStreamedBody(c, next);
    }

    if (Number(declared) > maxBytes) {
      throw new RequestError('payload_too_large', 413, `The request body is larger than ${maxBytes} bytes.`);
    }
    await next();
  };
}
