import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

import { RequestError } from '../errors.js';

/**
 * Rejects a body that is not `application/json` with 415. Besides naming the format, this keeps
 * cross-site `text/plain` posts out: those skip the CORS preflight, JSON posts cannot.
 */
export function requireJsonContentType(): MiddlewareHandler {
  return async function requireJsonContentType(c, next) {
    const contentType = c.req.header('Content-Type') ?? '';
    const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim().toLowerCase());
    const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length);

    // RFC 8259 §8.1: JSON exchanged between systems is UTF-8.
    if (mediaType !== 'application/json' || (charset !== undefined && charset.replace(/"/g, '') !== 'utf-8')) {
      const received = contentType === '' ? 'none' : JSON.stringify(contentType);
      throw new RequestError('unsupported_media_type', 415, `Expected Content-Type application/json, got ${received}.`);
    }
    await next();
  };
}

/** Rejects a body larger than `maxBytes` with 413, counting streamed bodies as they arrive. */
export function limitBodySize(maxBytes: number): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError() {
      throw new RequestError('payload_too_large', 413, `The request body is larger than ${maxBytes} bytes.`);
    },
  });
}
