import type { MiddlewareHandler } from 'hono';
import { timingSafeEqual } from 'hono/utils/buffer';

import { RequestError } from '../errors.js';
import { respondWithError } from './error-response.js';

export interface BearerTokenOptions {
  /** The variable the token comes from, named in the 401 message, e.g. `LEADSYNC_ADMIN_TOKEN`. */
  variable: string;
  /** The `realm` of the `WWW-Authenticate` challenge, e.g. `leadsync-admin`. */
  realm: string;
}

/**
 * Rejects a request without `Authorization: Bearer <token>`. The comparison hashes both values
 * first and takes the same time wherever they differ, so response times reveal nothing about
 * the token.
 */
export function requireBearerToken(token: string, options: BearerTokenOptions): MiddlewareHandler {
  return async function requireBearerToken(c, next) {
    const header = c.req.header('Authorization') ?? '';
    // HTTP authentication scheme names are case-insensitive, so "bearer" counts too.
    const match = /^bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);

    if (match?.[1] === undefined || !(await timingSafeEqual(match[1], token))) {
      const error = new RequestError('unauthorized', 401, `Send the token as "Authorization: Bearer <${options.variable}>".`);
      const response = respondWithError(c, error);
      response.headers.set('WWW-Authenticate', `Bearer realm="${options.realm}"`);
      return response;
    }
    await next();
  };
}
