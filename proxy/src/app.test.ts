import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { createApp, type AppDeps } from './app.js';
import { loadConfig, type Env } from './config.js';
import { createRetryPolicy } from './delivery/retry-policy.js';
import { parseForms } from './forms/parse-forms.js';
import type { Logger } from './log.js';
import { signRequest } from './marketo/soap/sign-request.js';
import { fakeUpstream, type FakeReply, type RecordedRequest } from './testing/fake-upstream.js';
import { faultReply, successReply } from './testing/soap-replies.js';

const ORIGIN = 'https://www.example.test';
const FOREIGN_ORIGIN = 'https://evil.example';
const ENCRYPTION_KEY = 'demo-encryption-key';
const USER_ID = 'leadsync_demo_1A2B3C4D5E6F';
const SUBMISSION_ID = '3f0c2a5e-8b1d-4c7a-9e6f-2d4b8a1c0e93';
const COOKIE = 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345';

const ENV: Env = {
  MARKETO_API: 'soap',
  MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:1/soap/mktows/2_9',
  MARKETO_USER_ID: USER_ID,
  MARKETO_ENCRYPTION_KEY: ENCRYPTION_KEY,
  MARKETO_MUNCHKIN_ID: '123-ABC-456',
  ALLOWED_ORIGINS: ORIGIN,
};

const FORMS = parseForms(
  JSON.parse(readFileSync(fileURLToPath(new URL('../config/forms.demo.json', import.meta.url)), 'utf8')) as unknown,
  { api: 'soap' },
);

interface Harness {
  app: ReturnType<typeof createApp>;
  upstream: ReturnType<typeof fakeUpstream>;
  logs: string[];
}

function harness(replies: Array<FakeReply | ((request: RecordedRequest) => FakeReply)> = [], overrides: Partial<AppDeps> & { env?: Env } = {}): Harness {
  const upstream = fakeUpstream(...(replies.length > 0 ? replies : [{ status: 200, body: successReply(4242, 'CREATED') }]));
  const logs: string[] = [];
  const log: Logger = { log: (level, message, fields) => logs.push(JSON.stringify({ level, message, ...fields })) };
  const { env = ENV, ...deps } = overrides;
  let seconds = 0;

  const app = createApp({
    config: loadConfig(env),
    forms: FORMS,
    fetch: upstream.fetch,
    now: () => new Date(Date.UTC(2026, 0, 15, 18, 0, seconds++)),
    log,
    // No jitter: retries follow at once, so the failure tables run fast.
    retryPolicy: createRetryPolicy({ random: () => 0 }),
    ...deps,
  });
  return { app, upstream, logs };
}

function submission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    submissionId: SUBMISSION_ID,
    fields: { email: 'ana@example.test', firstName: 'Zoë', company: 'Lee & Sons <Holdings> "North"' },
    mktoTrk: COOKIE,
    context: { pageUrl: 'https://www.example.test/pricing', locale: 'de' },
    ...overrides,
  };
}

function post(app: Harness['app'], body: unknown, headers: Record<string, string> = {}, formId = 'contact') {
  return app.request(`/v1/forms/${formId}/submissions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: ORIGIN, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function errorOf(response: Response): Promise<{ code: string; message: string; retryable: boolean; fields?: unknown[] }> {
  const body = (await response.json()) as { error: { code: string; message: string; retryable: boolean; fields?: unknown[] } };
  return body.error;
}

describe('app health and widget', () => {
  it('answers GET /healthz', async () => {
    const response = await harness().app.request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers 503 for /leadsync.js before the widget is built', async () => {
    const response = await harness().app.request('/leadsync.js');

    expect(response.status).toBe(503);
    expect(await errorOf(response)).toEqual({
      code: 'widget_not_built',
      message: 'The widget is not built yet. Run `pnpm build` and reload.',
      retryable: true,
    });
  });

  it('serves the built widget as JavaScript with cache headers', async () => {
    const { app } = harness([], { loadWidget: () => 'window.Leadsync={};' });

    const response = await app.request('/leadsync.js');

    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/javascript; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(response.headers.get('ETag')).toMatch(/^"|^W\//);
    expect(await response.text()).toBe('window.Leadsync={};');
  });

  it('answers 304 for a matching ETag', async () => {
    const { app } = harness([], { loadWidget: async () => 'window.Leadsync={};' });
    const etag = (await app.request('/leadsync.js')).headers.get('ETag')!;

    expect((await app.request('/leadsync.js', { headers: { 'If-None-Match': etag } })).status).toBe(304);
  });

  it('answers JSON 404 for an unknown route', async () => {
    const response = await harness().app.request('/v2/things');

    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('not_found');
  });
});

describe('app GET /v1/forms/{formId}', () => {
  it('returns the public form with the Munchkin id', async () => {
    const response = await harness().app.request('/v1/forms/contact');
    const body = (await response.json()) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=60');
    expect(body).toMatchObject({ id: 'contact', munchkinId: '123-ABC-456' });
    expect(JSON.stringify(body)).not.toContain('marketo');
  });

  it('answers 404 form_not_found for an unknown form', async () => {
    const response = await harness().app.request('/v1/forms/pricing');

    expect(response.status).toBe(404);
    expect(await errorOf(response)).toEqual({ code: 'form_not_found', message: 'No form with id "pricing" exists.', retryable: false });
  });
});

describe('app CORS', () => {
  function preflight(app: Harness['app'], origin: string) {
    return app.request('/v1/forms/contact/submissions', {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
  }

  it('answers a preflight from an allowed origin', async () => {
    const response = await preflight(harness().app, ORIGIN);

    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
    expect(response.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toBe('content-type');
    expect(response.headers.get('Access-Control-Max-Age')).toBe('600');
    expect(response.headers.get('Vary')).toContain('Origin');
  });

  it('sends no allow headers to a preflight from another origin', async () => {
    const response = await preflight(harness().app, FOREIGN_ORIGIN);

    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(response.headers.get('Access-Control-Allow-Methods')).toBeNull();
    expect(response.headers.get('Access-Control-Allow-Headers')).toBeNull();
  });

  it('allows the form GET only for allowed origins', async () => {
    const { app } = harness();

    const allowed = await app.request('/v1/forms/contact', { headers: { Origin: ORIGIN } });
    const foreign = await app.request('/v1/forms/contact', { headers: { Origin: FOREIGN_ORIGIN } });

    expect(allowed.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(foreign.headers.get('Vary')).toContain('Origin');
  });

  it('answers * when ALLOWED_ORIGINS is *', async () => {
    const { app } = harness([], { env: { ...ENV, ALLOWED_ORIGINS: '*' } });
    const response = await preflight(app, FOREIGN_ORIGIN);

    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
  });

  it('rejects a submission from another origin without calling Marketo', async () => {
    const { app, upstream } = harness();

    const response = await post(app, submission(), { Origin: FOREIGN_ORIGIN });

    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe('origin_not_allowed');
    expect(upstream.calls).toBe(0);
  });

  it('accepts a submission without Origin from a server-side client', async () => {
    const { app } = harness();
    const response = await app.request('/v1/forms/contact/submissions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(submission()),
    });

    expect(response.status).toBe(200);
  });
});

describe('app POST submission guards', () => {
  it.each([
    ['text/plain', 'Expected Content-Type application/json, got "text/plain".'],
    ['application/x-www-form-urlencoded', 'Expected Content-Type application/json, got "application/x-www-form-urlencoded".'],
    ['application/json; charset=iso-8859-1', 'Content-Type charset must be utf-8, got "iso-8859-1".'],
  ])('answers 415 for %s', async (contentType, message) => {
    const { app, upstream } = harness();

    const response = await post(app, submission(), { 'Content-Type': contentType });

    expect(response.status).toBe(415);
    expect(await errorOf(response)).toEqual({ code: 'unsupported_media_type', message, retryable: false });
    expect(upstream.calls).toBe(0);
  });

  it.each([
    ['Content-Encoding', 'gzip', 415, 'unsupported_media_type', 'Content-Encoding "gzip" is not supported; send the JSON body uncompressed'],
    ['Content-Encoding', 'identity, br', 415, 'unsupported_media_type', 'Content-Encoding "identity, br" is not supported'],
    ['Transfer-Encoding', 'gzip, chunked', 501, 'not_implemented', 'Transfer-Encoding "gzip, chunked" is not supported'],
  ])('rejects %s %s', async (header, value, status, code, message) => {
    const { app, upstream } = harness();

    const response = await post(app, submission(), { 'Content-Type': 'application/json', [header]: value });

    expect(response.status).toBe(status);
    expect(await errorOf(response)).toMatchObject({ code, message: expect.stringContaining(message) });
    expect(upstream.calls).toBe(0);
  });

  it('accepts Content-Encoding identity', async () => {
    const response = await post(harness().app, submission(), { 'Content-Type': 'application/json', 'Content-Encoding': 'identity' });
    expect(response.status).toBe(200);
  });

  it('accepts application/json with charset utf-8', async () => {
    const response = await post(harness().app, submission(), { 'Content-Type': 'application/json; charset=UTF-8' });
    expect(response.status).toBe(200);
  });

  it('answers 413 above 64 KiB', async () => {
    const { app, upstream } = harness();
    const body = JSON.stringify(submission({ fields: { email: 'ana@example.test', firstName: 'x'.repeat(70 * 1024) } }));

    const response = await post(app, body);

    expect(response.status).toBe(413);
    expect(await errorOf(response)).toEqual({
      code: 'payload_too_large',
      message: 'The request body is larger than 65536 bytes.',
      retryable: false,
    });
    expect(upstream.calls).toBe(0);
  });

  it('answers 413 for a streamed body without Content-Length', async () => {
    const { app } = harness([], { maxBodyBytes: 100 });
    const chunk = new TextEncoder().encode(JSON.stringify(submission()));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk);
        controller.close();
      },
    });

    const response = await app.request('/v1/forms/contact/submissions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: stream,
      duplex: 'half',
    } as RequestInit);

    expect(response.status).toBe(413);
  });

  it('answers 400 invalid_json for a broken body', async () => {
    const response = await post(harness().app, '{"submissionId": ');

    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({ code: 'invalid_json', message: 'The request body is not valid JSON.', retryable: false });
  });

  it.each([
    ['a missing submissionId', submission({ submissionId: undefined }), '"submissionId" must be a UUID'],
    ['a non-UUID submissionId', submission({ submissionId: 'abc' }), '"submissionId" must be a UUID'],
    ['an unknown key', submission({ locale: 'de' }), 'Unknown key "locale" in the submission'],
    ['fields as an array', submission({ fields: ['ana@example.test'] }), 'needs a "fields" object'],
    ['context as a string', submission({ context: 'x' }), '"context" must be a JSON object'],
    ['an array body', [], 'must be a JSON object'],
  ])('answers 400 invalid_request for %s', async (_case, body, message) => {
    const { app, upstream } = harness();

    const response = await post(app, body);
    const error = await errorOf(response);

    expect(response.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain(message);
    expect(upstream.calls).toBe(0);
  });

  it('answers 404 form_not_found for a submission to an unknown form', async () => {
    const { app, upstream } = harness();

    const response = await post(app, submission(), {}, 'pricing');

    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('form_not_found');
    expect(upstream.calls).toBe(0);
  });
});

describe('app POST submission validation', () => {
  it('answers 400 invalid_field naming each field', async () => {
    const { app, upstream } = harness();

    const response = await post(app, submission({ fields: { email: 'not-an-address', firstName: 'x'.repeat(300) } }));

    expect(response.status).toBe(400);
    expect(await errorOf(response)).toEqual({
      code: 'invalid_field',
      message: 'Some fields are invalid: email, firstName.',
      retryable: false,
      fields: [
        { name: 'email', code: 'invalid_field', message: 'Field "email" is not a valid e-mail address.' },
        { name: 'firstName', code: 'invalid_field', message: 'Field "firstName" is too long: at most 255 characters, got 300.' },
      ],
    });
    expect(upstream.calls).toBe(0);
  });

  it('answers 400 unknown_field for a field the form does not define', async () => {
    const { app, upstream } = harness();

    const response = await post(app, submission({ fields: { email: 'ana@example.test', leadScore: '100' } }));
    const error = await errorOf(response);

    expect(response.status).toBe(400);
    expect(error.code).toBe('unknown_field');
    expect(error.fields).toEqual([{ name: 'leadScore', code: 'unknown_field', message: 'The form "contact" has no field "leadScore".' }]);
    expect(upstream.calls).toBe(0);
  });

  it('treats __proto__ and constructor keys as unknown fields', async () => {
    const { app } = harness();
    const body = `{"submissionId":"${SUBMISSION_ID}","fields":{"email":"ana@example.test","__proto__":{"admin":true},"constructor":{"x":1}}}`;

    const error = await errorOf(await post(app, body));

    expect(error.code).toBe('unknown_field');
    expect(error.fields?.map((field) => (field as { name: string }).name)).toEqual(['__proto__', 'constructor']);
  });
});

describe('app POST submission to Marketo', () => {
  it('answers 200 with the lead and sends one signed syncLead', async () => {
    const { app, upstream } = harness();

    const response = await post(app, submission());

    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(await response.json()).toEqual({ submissionId: SUBMISSION_ID, status: 'created', leadId: 4242, cookie: 'associated' });
    expect(upstream.calls).toBe(1);

    const envelope = upstream.requests[0]!.body;
    expect(envelope).toContain('<Email>ana@example.test</Email>');
    expect(envelope).toContain('<attrName>FirstName</attrName><attrValue>Zoë</attrValue>');
    expect(envelope).toContain('<attrValue>Lee &amp; Sons &lt;Holdings&gt; &quot;North&quot;</attrValue>');
    expect(envelope).toContain('<marketoCookie>id:123-ABC-456&amp;token:_mch-example.test-1700000000000-12345</marketoCookie>');
    expect(envelope).toContain(`<requestSignature>${await signRequest(USER_ID, ENCRYPTION_KEY, '2026-01-15T18:00:00+00:00')}</requestSignature>`);
  });

  it('reports updated leads', async () => {
    const { app } = harness([{ status: 200, body: successReply(7, 'UPDATED') }]);
    expect(await (await post(app, submission())).json()).toMatchObject({ status: 'updated', leadId: 7 });
  });

  it.each([
    ['absent', undefined],
    ['absent', ''],
    ['other_instance', 'id:561-HYG-937&token:_mch-example.test-1700000000000-12345'],
    ['malformed', 'id:123-ABC-456&token:garbage'],
    ['malformed', 12345],
  ])('reports cookie %s for %j and sends no marketoCookie', async (outcome, mktoTrk) => {
    const { app, upstream } = harness();

    const response = await post(app, submission({ mktoTrk }));

    expect(response.status).toBe(200);
    expect(((await response.json()) as { cookie: string }).cookie).toBe(outcome);
    expect(upstream.requests[0]?.body).not.toContain('marketoCookie');
  });

  it('retries a 20016 once with a fresh signature', async () => {
    const { app, upstream, logs } = harness([
      { status: 500, body: faultReply(20016, 'Request expired', 'Request has expired') },
      { status: 200, body: successReply(5, 'CREATED') },
    ]);

    const response = await post(app, submission());

    expect(response.status).toBe(200);
    expect(upstream.calls).toBe(2);
    const timestamps = upstream.requests.map((request) => /<requestTimestamp>([^<]+)</.exec(request.body)?.[1]);
    const signatures = upstream.requests.map((request) => /<requestSignature>([^<]+)</.exec(request.body)?.[1]);
    expect(timestamps[0]).not.toBe(timestamps[1]);
    expect(signatures[0]).not.toBe(signatures[1]);
    expect(signatures[1]).toBe(await signRequest(USER_ID, ENCRYPTION_KEY, timestamps[1]!));
    expect(logs.some((line) => line.includes('"level":"warn"') && line.includes('"reason":"expired"'))).toBe(true);
  });

  it.each([
    ['20014 auth', { status: 500, body: faultReply(20014, 'Authentication failed', 'Authentication failed') }, 502, 'upstream_auth', false, 1],
    ['20016 twice', { status: 500, body: faultReply(20016, 'Request expired', 'Request has expired') }, 502, 'upstream_auth', true, 2],
    ['20023 rate', { status: 500, body: faultReply(20023, 'Rate Limit Exceeded', 'Too many calls') }, 503, 'upstream_rate_limited', true, 4],
    ['20024 concurrency', { status: 500, body: faultReply(20024, 'Concurrency Limit Exceeded', 'Busy') }, 503, 'upstream_rate_limited', true, 4],
    ['20015 quota', { status: 500, body: faultReply(20015, 'Request Limit Exceeded', 'Quota') }, 503, 'upstream_quota_exceeded', true, 1],
    ['20105 unknown field', { status: 500, body: faultReply(20105, 'Unknown lead field', 'unknown fields for import: pants') }, 502, 'upstream_rejected', false, 1],
    ['10001 internal', { status: 500, body: faultReply(10001, 'Internal Error', 'Boom') }, 503, 'upstream_unavailable', true, 4],
    ['FAILED status', { status: 200, body: successReply(1, 'FAILED', 'no') }, 502, 'upstream_rejected', false, 1],
    ['HTML 500', { status: 500, body: '<html><body>Internal Server Error at host mkto-sj01</body></html>' }, 503, 'upstream_unavailable', true, 4],
    ['empty 503', { status: 503, body: '' }, 503, 'upstream_unavailable', true, 4],
  ])('maps %s to its status and error code', async (_case, reply, status, code, retryable, calls) => {
    const { app, upstream, logs } = harness([reply]);

    const response = await post(app, submission());
    const error = await errorOf(response);

    expect(response.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(upstream.calls).toBe(calls);
    expect(error.message).not.toMatch(/pants|mkto-sj01|Boom|<|fault/i);
    expect(logs.some((line) => line.includes('"level":"error"') && line.includes(code))).toBe(true);
  });

  it('answers 504 upstream_timeout when Marketo is silent', async () => {
    const hangingFetch = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const { app } = harness([], { fetch: hangingFetch, env: { ...ENV, MARKETO_TIMEOUT_MS: '30' } });

    const response = await post(app, submission());

    expect(response.status).toBe(504);
    expect(await errorOf(response)).toMatchObject({ code: 'upstream_timeout', retryable: true });
  });

  it('answers 500 internal_error for an unexpected transport failure', async () => {
    const { app, logs } = harness([], {
      transport: {
        syncLead: () => Promise.reject(new Error('socket hang up for ana@example.test')),
      },
    });

    const response = await post(app, submission());

    expect(response.status).toBe(500);
    expect(await errorOf(response)).toEqual({
      code: 'internal_error',
      message: 'Something went wrong on our side. Please try again later.',
      retryable: false,
    });
    expect(logs.join('\n')).toContain('a***@example.test');
  });

  it('keeps e-mail addresses, keys and envelopes out of logs and responses', async () => {
    const { app, logs } = harness([{ status: 500, body: faultReply(20103, 'Lead not found', 'No lead found with EMAIL = ana@example.test') }]);

    const response = await post(app, submission());
    const output = `${logs.join('\n')}\n${await response.text()}`;

    expect(output).not.toContain('ana@example.test');
    expect(output).not.toContain(ENCRYPTION_KEY);
    expect(output).not.toContain('requestSignature');
    expect(output).not.toContain('<SOAP-ENV');
    expect(logs.some((line) => line.includes(SUBMISSION_ID))).toBe(true);
  });

  it('logs a success with ids and the cookie outcome', async () => {
    const { app, logs } = harness();

    await post(app, submission());

    expect(logs.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
      expect.objectContaining({ level: 'info', submissionId: SUBMISSION_ID, leadId: 4242, status: 'created', cookie: 'associated' }),
    );
  });
});
