import type { MiddlewareHandler } from 'hono';

import { RequestError } from '../../errors.js';
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

  return async function limitBodySize(c, next) {
    const declared = c.req.header('Content-Length');
    if (declared === undefined || c.req.header('Transfer-Encoding') !== undefined || !DECIMAL.test(declared)) {
      return limitStreamed(c, next);
    }

    if (Number(declared) > maxBytes) {
      throw new RequestError('payload_too_large', 413, `The request body is larger than ${maxBytes} bytes.`);
    }
    await next();
  };
}
