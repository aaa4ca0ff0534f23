import { RequestError } from '../errors.js';

// `fatal` makes invalid sequences throw instead of turning into U+FFFD, which would store an
// altered value without telling anyone.
const UTF8_DECODER = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes a request body as UTF-8 (RFC 8259 §8.1). Throws `RequestError` (`invalid_json`) for invalid bytes. */
export function decodeUtf8Body(bytes: ArrayBuffer): string {
  try {
    return UTF8_DECODER.decode(bytes);
  } catch (error) {
    throw new RequestError('invalid_json', 400, 'The request body is not valid UTF-8; send JSON encoded as UTF-8.', { cause: error });
  }
}
