import type { MiddlewareHandler } from 'hono';

/**
 * Adds `Access-Control-Expose-Headers` to every response that carries CORS headers. A page's
 * script can read only CORS-safelisted response headers unless the server exposes others
 * (Fetch standard, "CORS-safelisted response-header name"), and `Retry-After` and
 * `X-Request-Id` are not safelisted. Register it before the CORS middleware, so it sees the
 * headers that CORS set.
 */
export function exposeHeaders(headers: readonly string[]): MiddlewareHandler {
  const value = headers.join(', ');

  return async function exposeHeaders(c, next) {
    await next();
    if (c.res.headers.has('Access-Control-Allow-Origin')) c.res.headers.set('Access-Control-Expose-Headers', value);
  };
}
