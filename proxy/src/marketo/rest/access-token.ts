import { MarketoError } from '../../errors.js';
import { joinUrl } from './join-url.js';
import { readIssues } from './read-reply.js';
import { RestApiError } from './rest-api-error.js';
import { sendRequest } from './send-request.js';
import type { UpstreamFetch } from '../upstream-fetch.js';

export interface AccessTokenOptions {
  /** REST base URL; the token is requested from `{endpoint}/identity/oauth/token`. */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  /** Renew a token this long before its `expires_in` runs out, in ms. At most half the token's life is cut off. */
  refreshMarginMs: number;
  timeoutMs: number;
  /** Sends the token request; a fetch wrapped by the proxy's call limiter counts it like any API call. */
  fetch: UpstreamFetch;
  now: () => Date;
}

/** Hands out OAuth access tokens for the REST API, from a cache shared by all requests. */
export interface AccessTokenSource {
  /** Returns a usable token, requesting a new one when the cache is empty or the cached one is about to expire. */
  get(): Promise<string>;
  /** Drops `token` after Marketo rejected it (601, 602), unless a newer token has already replaced it. */
  invalidate(token: string): void;
}

interface CachedToken {
  value: string;
  /** Epoch ms after which the token is renewed instead of used. */
  renewAt: number;
}

/**
 * Creates the token cache. Tokens come from OAuth 2.0 client credentials; Marketo's Swagger
 * puts `grant_type`, `client_id` and `client_secret` in the query string. A token is reused
 * until shortly before its `expires_in` runs out, and concurrent requests that find no usable
 * token share one token request (single flight), so a burst costs one identity call.
 *
 * Throws `RestApiError` with kind `auth` (not retryable) when identity returns HTTP 401, which
 * means the client id or secret is wrong. No message contains the secret or a token.
 */
export function createAccessTokenSource(options: AccessTokenOptions): AccessTokenSource {
  const tokenUrl = buildTokenUrl(options);
  let cached: CachedToken | undefined;
  let pending: Promise<string> | undefined;

  async function requestToken(): Promise<string> {
    const requestedAt = options.now().getTime();
    const reply = await sendRequest(
      { operation: 'identity token request', url: tokenUrl, method: 'POST', headers: { Accept: 'application/json' } },
      { fetch: options.fetch, timeoutMs: options.timeoutMs, secrets: [options.clientSecret] },
    );

    const { token, expiresInSeconds } = readTokenReply(reply.status, reply.body);
    const lifetimeMs = expiresInSeconds * 1000;
    cached = { value: token, renewAt: requestedAt + lifetimeMs - Math.min(options.refreshMarginMs, lifetimeMs / 2) };
    return token;
  }

  return {
    get() {
      if (cached !== undefined && options.now().getTime() < cached.renewAt) return Promise.resolve(cached.value);
      pending ??= requestToken().finally(() => {
        pending = undefined;
      });
      return pending;
    },

    invalidate(token) {
      if (cached?.value === token) cached = undefined;
    },
  };
}

function buildTokenUrl(options: AccessTokenOptions): string {
  const query = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: options.clientId,
    client_secret: options.clientSecret,
  });
  return `${joinUrl(options.endpoint, '/identity/oauth/token')}?${query}`;
}

/** Reads `{access_token, token_type, expires_in, scope}` from an identity reply. */
function readTokenReply(status: number, body: string): { token: string; expiresInSeconds: number } {
  if (status === 401) {
    throw new RestApiError(
      'Marketo identity rejected the client credentials (HTTP 401). Check MARKETO_CLIENT_ID and MARKETO_CLIENT_SECRET against Admin > Integration > LaunchPoint.',
      { httpStatus: 401 },
    );
  }
  if (status !== 200) {
    const fix = status === 404 ? ' Fix: set MARKETO_REST_ENDPOINT to the base URL without /rest or /identity, e.g. https://123-ABC-456.mktorest.com.' : '';
    throw new RestApiError(`Marketo identity token request failed with HTTP ${status}.${fix}`, { httpStatus: status });
  }

  const reply = parseObject(body);
  const token = reply?.access_token;
  const expiresIn = reply?.expires_in;
  if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || !(expiresIn >= 0)) {
    const issue = readIssues(reply?.errors)[0];
    const detail = issue === undefined ? '' : ` (error ${issue.code})`;
    throw new MarketoError(`Marketo identity replied without an access_token and a numeric expires_in${detail}.`, {
      kind: 'invalid_reply',
      retryable: true,
    });
  }

  return { token, expiresInSeconds: expiresIn };
}

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
