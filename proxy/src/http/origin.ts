import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';

import type { AllowedOrigins } from '../config.js';
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
 */
export function allowedOriginsCors(allowed: AllowedOrigins): MiddlewareHandler {
  const delegate = cors({
    origin: allowed === '*' ? '*' : (origin) => origin,
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type'],
    maxAge: PREFLIGHT_MAX_AGE,
  });

  return async function allowedOriginsCors(c, next) {
    const origin = c.req.header('Origin');
    if (origin !== undefined && isOriginAllowed(origin, allowed)) return delegate(c, next);

    if (c.req.method === 'OPTIONS') return c.body(null, 204, { Vary: 'Origin' });
    await next();
    c.header('Vary', 'Origin', { append: true });
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
