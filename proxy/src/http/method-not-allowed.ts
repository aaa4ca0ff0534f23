import type { Context } from 'hono';

import { RequestError } from '../errors.js';
import { truncate } from '../text/truncate.js';

/**
 * Creates the handler for a known path requested with a method it does not serve: 405 with the
 * `Allow` header, which RFC 9110 §15.5.6 requires on a 405, and the JSON error body.
 * Register it with `app.all` after the path's own routes, so it only receives the other methods.
 */
export function methodNotAllowed(allowedMethods: readonly string[]) {
  const allow = allowedMethods.join(', ');

  return function methodNotAllowed(c: Context): never {
    c.header('Allow', allow);
    throw new RequestError('method_not_allowed', 405, `${truncate(c.req.method)} is not allowed on ${truncate(c.req.path)}; use ${allow}.`);
  };
}
