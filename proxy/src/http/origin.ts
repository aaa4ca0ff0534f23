import type { MiddlewareHandler } from 'hono';

import type { AllowedOrigins } from '../config.js';
import type { Logger } from '../log.js';
import { RequestError } from '../errors.js';
import { truncate } from '../text/truncate.js';

/** Seconds a browser may cache a preflight response. */
const PREFLIGHT_MAX_AGE = 600;

export function isOriginAllowed(origin: string, allowed: AllowedOrigins): boolean {
  return allowed === '*' || allowed.includes(origin);
}

/**
 * CORS for the configured origins only. A request from another origin gets no CORS headers at
 * all, so the browser blocks it. Its preflight gets 204 without allow headers.
 * Submissions post `Content-Type: application/json`, which always triggers a preflight.
 * `exposedHeaders` are the response headers a page's script may read.
 *
 * The headers are set before the handler runs, so Hono builds them into the handler's response.
 * Setting a header after `next()` makes Hono copy a finished response, and on Node that turns
 * the adapter's light response into a web stream: an estimated 0.1 ms of CPU per request in
 * CPU profiles of `pnpm bench:proxy`.
 */
export function allowedOriginsCors(allowed: AllowedOrigins, exposedHeaders: readonly string[], log?: Logger): MiddlewareHandler {
  const exposed = exposedHeaders.join(', ');

  return async function allowedOriginsCors(c, next) {
    const origin = c.req.header('Origin');
    let allowOrigin: string | undefined;
    if (origin !== undefined && isOriginAllowed(origin, allowed)) allowOrigin = allowed === '*' ? '*' : origin;
    // The browser hides the blocked response from the page, so this line is the operator's only
    // clue to a typo in ALLOWED_ORIGINS. The message is fixed, so the logger counts repeats.
    if (origin !== undefined && allowOrigin === undefined) {
      log?.log('warn', 'Request from an origin that ALLOWED_ORIGINS does not list; add the origin to ALLOWED_ORIGINS if the page is yours', {
        code: 'origin_not_allowed',
        origin: truncate(origin),
        requestId: c.get('requestId') as string | undefined,
      });
    }
    // The response depends on the Origin header unless every origin gets the same `*`.
    const vary = allowOrigin === '*' ? undefined : 'Origin';

    if (c.req.method === 'OPTIONS') {
      if (allowOrigin === undefined) return c.body(null, 204, { Vary: 'Origin' });
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': allowOrigin,
        'Access-Control-Allow-Methods': 'GET,POST',
        'Access-Control-Allow-Headers': 'Content-Type',
        'Access-Control-Expose-Headers': exposed,
        'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE),
        Vary: vary === undefined ? 'Access-Control-Request-Headers' : `${vary}, Access-Control-Request-Headers`,
      });
    }

    if (vary !== undefined) c.header('Vary', vary);
    if (allowOrigin !== undefined) {
      c.header('Access-Control-Allow-Origin', allowOrigin);
      c.header('Access-Control-Expose-Headers', exposed);
    }
    await next();
  };
}

/**
 * Rejects a request whose `Origin` header names an origin that is not allowed. Requests without
 * `Origin` (server-side API clients) pass, because CORS cannot apply to them anyway.
 */
export function requireAllowedOrigin(allowed: AllowedOrigins): MiddlewareHandler {
  return async function requireAllowedOrigin(c, next) {
    const origin = c.req.header('Origin');
    if (origin !== undefined && !isOriginAllowed(origin, allowed)) {
      const source = origin === '' ? 'an empty Origin header' : truncate(origin);
      throw new RequestError('origin_not_allowed', 403, `Submissions from ${source} are not allowed; add the origin to ALLOWED_ORIGINS.`);
    }
    await next();
  };
}
