/** A local stand-in for Cloudflare's Turnstile siteverify endpoint, for tests. */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

export const TURNSTILE_TEST_SECRET = 'turnstile-test-secret';
/** The only token the stand-in accepts. */
export const VALID_TURNSTILE_TOKEN = 'valid-turnstile-token';
/** A token for which the stand-in returns HTTP 500 with an HTML page. */
export const BROKEN_TURNSTILE_TOKEN = 'answer-with-http-500';

export interface SiteverifyRequest {
  secret: string | undefined;
  response: string | undefined;
  remoteip: string | undefined;
  idempotencyKey: string | undefined;
}

export interface TurnstileStandIn {
  /** The siteverify URL on 127.0.0.1. */
  url: string;
  requests: SiteverifyRequest[];
  close(): Promise<void>;
}

/**
 * Starts the stand-in on an ephemeral loopback port. Like siteverify, it reads a form-encoded
 * body and returns `{"success", "error-codes"}`. A repeated `idempotency_key` gets the first result.
 */
export function startTurnstileStandIn(): Promise<TurnstileStandIn> {
  const requests: SiteverifyRequest[] = [];
  const results = new Map<string, { success: boolean; 'error-codes': string[] }>();
  const app = new Hono();

  app.post('/turnstile/v0/siteverify', async (c) => {
    const form = await c.req.parseBody();
    const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
    const request = { secret: text('secret'), response: text('response'), remoteip: text('remoteip'), idempotencyKey: text('idempotency_key') };
    requests.push(request);

    if (request.response === BROKEN_TURNSTILE_TOKEN) return c.html('<h1>500 Internal Server Error</h1>', 500);

    const earlier = request.idempotencyKey === undefined ? undefined : results.get(request.idempotencyKey);
    const result = earlier ?? judge(request);
    if (request.idempotencyKey !== undefined) results.set(request.idempotencyKey, result);
    return c.json(result);
  });

  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) => {
      resolve({
        url: `http://127.0.0.1:${info.port}/turnstile/v0/siteverify`,
        requests,
        close: () => new Promise<void>((closed) => server.close(() => closed())),
      });
    });
  });
}

function judge(request: SiteverifyRequest): { success: boolean; 'error-codes': string[] } {
  if (request.secret !== TURNSTILE_TEST_SECRET) return { success: false, 'error-codes': ['invalid-input-secret'] };
  if (request.response !== VALID_TURNSTILE_TOKEN) return { success: false, 'error-codes': ['invalid-input-response'] };
  return { success: true, 'error-codes': [] };
}
