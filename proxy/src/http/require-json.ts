import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

import { RequestError } from '../errors.js';
import { truncate } from '../text/truncate.js';

/** Labels of UTF-8 in the WHATWG Encoding Standard that a JSON client may send, lower case. */
const UTF8_LABELS = new Set(['utf-8', 'utf8']);

/**
 * Rejects a body that is not `application/json` in UTF-8 with 415. Besides naming the format,
 * this keeps cross-site `text/plain` posts out: those skip the CORS preflight, JSON posts cannot.
 */
export function requireJsonContentType(): MiddlewareHandler {
  return async function requireJsonContentType(c, next) {
    const contentType = c.req.header('Content-Type') ?? '';
    const [mediaType = '', ...parameters] = contentType.split(';').map((part) => part.trim());

    if (mediaType.toLowerCase() !== 'application/json') {
      const received = contentType === '' ? 'none' : JSON.stringify(truncate(contentType));
      throw new RequestError('unsupported_media_type', 415, `Expected Content-Type application/json, got ${received}.`);
    }

    checkCharset(parameters);
    checkCodings(c.req.header('Content-Encoding'), c.req.header('Transfer-Encoding'));
    await next();
  };
}

/**
 * Accepts no charset or a UTF-8 label in any case, because RFC 8259 §8.1 requires JSON exchanged
 * between systems to be UTF-8. Rejects a second charset, which parsers would read differently.
 */
function checkCharset(parameters: string[]): void {
  const charsets = parameters
    .filter((parameter) => /^charset\s*=/i.test(parameter))
    .map((parameter) => parameter.slice(parameter.indexOf('=') + 1).trim().replace(/^"(.*)"$/, '$1'));

  if (charsets.length > 1) {
    throw new RequestError('unsupported_media_type', 415, 'Content-Type has more than one charset parameter; send one, charset=utf-8.');
  }
  const [charset] = charsets;
  if (charset !== undefined && !UTF8_LABELS.has(charset.toLowerCase())) {
    throw new RequestError('unsupported_media_type', 415, `Content-Type charset must be utf-8, got ${JSON.stringify(truncate(charset))}.`);
  }
}

/**
 * Rejects a compressed body, which the proxy would read as JSON text: a `Content-Encoding` other
 * than identity with 415, whose definition in HTTP Semantics names Content-Encoding, and a
 * transfer coding other than chunked with 501 Not Implemented.
 */
function checkCodings(contentEncoding: string | undefined, transferEncoding: string | undefined): void {
  const contentCodings = codings(contentEncoding).filter((coding) => coding !== 'identity');
  if (contentCodings.length > 0) {
    throw new RequestError(
      'unsupported_media_type',
      415,
      `Content-Encoding ${JSON.stringify(truncate(contentEncoding ?? ''))} is not supported; send the JSON body uncompressed, without Content-Encoding.`,
    );
  }

  const transferCodings = codings(transferEncoding).filter((coding) => coding !== 'chunked');
  if (transferCodings.length > 0) {
    throw new RequestError(
      'not_implemented',
      501,
      `Transfer-Encoding ${JSON.stringify(truncate(transferEncoding ?? ''))} is not supported; send the body with Content-Length or Transfer-Encoding: chunked alone.`,
    );
  }
}

function codings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '');
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
