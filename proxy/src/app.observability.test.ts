/**
 * Observability of the app: JSON log lines with ids, masked e-mail addresses, counted repeats,
 * request ids, `/healthz`, `/metrics`, and a sweep that no secret, signature or envelope leaves
 * the proxy in a log line or a response.
 */
import { describe, expect, it } from 'vitest';

import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createRetryPolicy } from './delivery/retry-policy.js';
import { createStructuredLogger } from './observability/logger.js';
import { BASE_ENV, CLIENT_ADDRESS, createHarness, DEMO_FORMS, ENCRYPTION_KEY, postSubmission, submission, USER_ID } from './testing/app-harness.js';
import { fakeUpstream } from './testing/fake-upstream.js';
import { faultReply, successReply } from './testing/soap-replies.js';
import { startTurnstileStandIn, TURNSTILE_TEST_SECRET, VALID_TURNSTILE_TOKEN } from './testing/turnstile-stand-in.js';

describe('app log lines', () => {
  it('writes JSON lines with level, message, requestId, submissionId and leadId', async () => {
    const { app, logs } = createHarness();
    const body = submission();

    const response = await postSubmission(app, body);
    const requestId = response.headers.get('X-Request-Id');

    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'Lead synced to Marketo',
        requestId,
        submissionId: body.submissionId,
        formId: 'contact',
        leadId: 4242,
        status: 'created',
        cookie: 'associated',
      }),
    );
    for (const line of logs) {
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['level', 'message', 'time']));
    }
  });

  it('generates the request id despite a client X-Request-Id', async () => {
    const { app, logs } = createHarness();

    const response = await postSubmission(app, submission(), { 'X-Request-Id': 'edge-7f3a' });
    const requestId = response.headers.get('X-Request-Id');
    const synced = logs.find((line) => line.message === 'Lead synced to Marketo');

    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(synced?.requestId).toBe(requestId);
    expect(synced?.clientRequestId).toBe('edge-7f3a');
  });

  it.each([
    ['a space and markup', 'bad id<script>'],
    ['65 characters', 'a'.repeat(65)],
    ['a quote', 'edge"7f3a'],
  ])('drops a client X-Request-Id with %s', async (_case, clientId) => {
    const { app, logs } = createHarness();

    const response = await postSubmission(app, submission(), { 'X-Request-Id': clientId });
    const synced = logs.find((line) => line.message === 'Lead synced to Marketo');

    expect(response.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(synced?.requestId).toBe(response.headers.get('X-Request-Id'));
    expect(synced).not.toHaveProperty('clientRequestId');
  });

  it('logs a rejected request with both request ids', async () => {
    const { app, logs } = createHarness();

    const response = await postSubmission(app, '{', { 'X-Request-Id': 'edge-7f3a' });
    const rejected = logs.find((line) => line.code === 'invalid_json');

    expect(response.status).toBe(400);
    expect(rejected?.requestId).toBe(response.headers.get('X-Request-Id'));
    expect(rejected?.clientRequestId).toBe('edge-7f3a');
  });

  it('logs retries and the final error with the request ids', async () => {
    const { app, logs } = createHarness({ replies: [{ status: 500, body: faultReply(20023, 'Rate Limit Exceeded', 'Too many calls') }] });
    const body = submission();

    await postSubmission(app, body);

    const retries = logs.filter((line) => line.message === 'Retrying the Marketo call after a retryable failure');
    const failure = logs.find((line) => line.level === 'error');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ level: 'warn', submissionId: body.submissionId, reason: 'rate', attempt: 1 });
    expect(failure).toMatchObject({ submissionId: body.submissionId, code: 'upstream_rate_limited', faultCode: 20023 });
    expect(failure?.requestId).toEqual(expect.any(String));
  });

  it('masks e-mail addresses in every line', async () => {
    const { app, rawLogs } = createHarness({ replies: [{ status: 500, body: faultReply(20103, 'Lead not found', 'No lead found with EMAIL = ana@example.test') }] });

    await postSubmission(app, submission());

    expect(rawLogs.join('\n')).not.toContain('ana@example.test');
    expect(rawLogs.join('\n')).toContain('a***@example.test');
  });

  it('counts a repeated error instead of writing it again', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = createStructuredLogger({ write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const upstream = fakeUpstream({ status: 500, body: faultReply(20014, 'Authentication failed', 'Authentication failed') });
    const app = createApp({ config: loadConfig(BASE_ENV), forms: DEMO_FORMS, fetch: upstream.fetch, log, runtimeAddress: () => CLIENT_ADDRESS });

    for (let index = 0; index < 5; index += 1) await postSubmission(app, submission({ fields: { email: `p${index}@example.test` } }));
    log.flush();

    const errors = lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(2);
    expect(errors[0]?.repeated).toBeUndefined();
    expect(errors[1]).toMatchObject({ repeated: 4, repeatWindowSeconds: 60, code: 'upstream_auth' });
    expect(upstream.calls).toBe(5);
  });
});

describe('app foreign origins', () => {
  it('logs one counted warning naming ALLOWED_ORIGINS', async () => {
    const { app, logs } = createHarness();
    await app.request('/v1/forms/contact', { headers: { Origin: 'https://typo.example.test' } });
    await app.request('/v1/forms/contact', { headers: { Origin: 'https://typo.example.test' } });

    const warnings = logs.filter((line) => line.code === 'origin_not_allowed');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', origin: 'https://typo.example.test' });
    expect(warnings[0]?.message).toContain('add the origin to ALLOWED_ORIGINS');
  });
});

describe('app cookies of another instance', () => {
  it('logs a counted warning naming MARKETO_MUNCHKIN_ID', async () => {
    const { app, logs } = createHarness();
    const otherCookie = 'id:999-XYZ-999&token:_mch-example.test-1700000000000-12345';
    await postSubmission(app, submission({ mktoTrk: otherCookie }));
    await postSubmission(app, submission({ mktoTrk: otherCookie }));

    const warnings = logs.filter((line) => line.code === 'cookie_other_instance');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 'warn', cookieInstance: '999-XYZ-999', munchkinId: '123-ABC-456' });
    expect(warnings[0]?.message).toContain('check MARKETO_MUNCHKIN_ID');
  });
});

describe('app /healthz and /metrics', () => {
  it('answers /healthz', async () => {
    const response = await createHarness().app.request('/healthz');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('reports the last Marketo call on /healthz', async () => {
    const { app } = createHarness();
    await postSubmission(app, submission());

    const body = (await (await app.request('/healthz')).json()) as { status: string; marketo: Record<string, unknown> };

    expect(body.status).toBe('ok');
    expect(body.marketo).toEqual({ lastCall: 'ok', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
  });

  it('reports a rejected Marketo call on /healthz', async () => {
    const { app } = createHarness({ replies: [{ status: 500, body: faultReply(20014, 'Authentication failed', 'Authentication failed') }] });
    const response = await postSubmission(app, submission());

    const body = (await (await app.request('/healthz')).json()) as { status: string; marketo: Record<string, unknown> };

    expect(response.status).toBe(502);
    expect(body.status).toBe('ok');
    expect(body.marketo).toMatchObject({ lastCall: 'failed', code: 'upstream_auth', faultCode: 20014 });
  });

  it('reports the quota pause on /healthz', async () => {
    const { app, upstream } = createHarness({ replies: [{ status: 500, body: faultReply(20015, 'Request Limit Exceeded', 'Request Limit Exceeded') }] });
    await postSubmission(app, submission());
    await postSubmission(app, submission());

    const body = (await (await app.request('/healthz')).json()) as { marketo: Record<string, unknown> };

    expect(upstream.calls).toBe(1);
    expect(body.marketo).toMatchObject({ lastCall: 'failed', faultCode: 20015, quotaPausedUntil: expect.stringMatching(/T/) });
  });

  it('serves submissions, latency, retries, queue depth and in-flight as Prometheus text', async () => {
    const { app } = createHarness({ replies: [{ status: 500, body: faultReply(10001, 'Internal Error', 'Boom') }, { status: 200, body: successReply(1) }] });
    await postSubmission(app, submission());
    await postSubmission(app, '{broken');
    await postSubmission(app, submission({ signals: { honeypot: 'x' } }));

    const response = await app.request('/metrics');
    const text = await response.text();

    expect(response.headers.get('Content-Type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text).toContain('leadsync_submissions_total{outcome="created"} 1');
    expect(text).toContain('leadsync_submissions_total{outcome="rejected"} 1');
    expect(text).toContain('leadsync_submissions_total{outcome="bot"} 1');
    expect(text).toContain('leadsync_upstream_request_duration_seconds_count{status_class="5xx"} 1');
    expect(text).toContain('leadsync_upstream_request_duration_seconds_count{status_class="2xx"} 1');
    expect(text).toContain('leadsync_upstream_retries_total{reason="unavailable"} 1');
    expect(text).toContain('leadsync_upstream_queue_depth 0');
    expect(text).toContain('leadsync_upstream_in_flight 0');
  });

  it('requires LEADSYNC_METRICS_TOKEN for /metrics when set', async () => {
    const token = 'metrics-token-0123456789abcdef0123456789';
    const { app } = createHarness({ env: { LEADSYNC_METRICS_TOKEN: token } });

    const anonymous = await app.request('/metrics');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('WWW-Authenticate')).toBe('Bearer realm="leadsync-metrics"');
    expect(await anonymous.text()).not.toContain(token);

    const wrong = await app.request('/metrics', { headers: { Authorization: `Bearer ${token}x` } });
    expect(wrong.status).toBe(401);

    const lowerCase = await app.request('/metrics', { headers: { Authorization: `bearer ${token}` } });
    expect(lowerCase.status).toBe(200);

    const scraper = await app.request('/metrics', { headers: { Authorization: `Bearer ${token}` } });
    expect(scraper.status).toBe(200);
    expect(await scraper.text()).toContain('leadsync_upstream_in_flight 0');
  });

  it('counts rate-limited and replayed submissions', async () => {
    const { app } = createHarness({ env: { RATE_LIMIT_PER_ADDRESS: '2' } });
    const body = submission();
    await postSubmission(app, body);
    await postSubmission(app, body);
    await postSubmission(app, body);

    const text = await (await app.request('/metrics')).text();

    expect(text).toContain('leadsync_submissions_total{outcome="replayed"} 1');
    expect(text).toContain('leadsync_submissions_total{outcome="rate_limited"} 1');
    expect(text).toContain('leadsync_rate_limited_total{scope="address"} 1');
  });
});

describe('app secrets sweep', () => {
  it('keeps keys, signatures and envelopes out of every log line and response', async () => {
    const standIn = await startTurnstileStandIn();
    const { app, upstream, rawLogs } = createHarness({
      replies: [
        { status: 200, body: successReply(1) },
        { status: 500, body: faultReply(20016, 'Request Expired', 'Request has expired') },
        { status: 200, body: successReply(2, 'UPDATED') },
        { status: 500, body: faultReply(20014, 'Authentication failed', 'Authentication failed') },
        { status: 500, body: faultReply(20105, 'Unknown lead field', 'unknown fields for import: ana@example.test') },
        { status: 500, body: '<html><body>502 at mkto-sj01</body></html>' },
        { status: 200, body: '<not-xml' },
        { status: 200, body: successReply(3) },
      ],
      env: { TURNSTILE_SECRET_KEY: TURNSTILE_TEST_SECRET, TURNSTILE_VERIFY_URL: standIn.url, RATE_LIMIT_PER_EMAIL: '50' },
      retryPolicy: createRetryPolicy({ random: () => 0, maxAttempts: 2 }),
    });
    const withToken = (overrides: Record<string, unknown> = {}) =>
      submission({ signals: { honeypot: '', elapsedMs: 5000, turnstileToken: VALID_TURNSTILE_TOKEN }, ...overrides });

    const outputs: string[] = [];
    const record = async (response: Response | Promise<Response>) => {
      const resolved = await response;
      outputs.push([...resolved.headers].map(([name, value]) => `${name}: ${value}`).join('\n'), await resolved.text());
    };
    for (let index = 0; index < 6; index += 1) await record(postSubmission(app, withToken()));
    await record(postSubmission(app, withToken({ signals: { turnstileToken: 'forged' } })));
    await record(postSubmission(app, withToken({ signals: { honeypot: 'x', turnstileToken: VALID_TURNSTILE_TOKEN } })));
    await record(postSubmission(app, withToken({ fields: { email: 'nope' } })));
    await record(app.request('/metrics'));
    await standIn.close();

    const signatures = upstream.requests.map((request) => /<requestSignature>([0-9a-f]+)</.exec(request.body)?.[1]).filter((value) => value !== undefined);
    expect(signatures.length).toBeGreaterThan(5);
    const everything = [...rawLogs, ...outputs].join('\n');
    for (const secret of [ENCRYPTION_KEY, TURNSTILE_TEST_SECRET, VALID_TURNSTILE_TOKEN, ...signatures]) {
      expect(everything).not.toContain(secret);
    }
    for (const marker of ['<SOAP-ENV', 'Envelope', 'requestSignature', 'mktowsUserId', USER_ID, '<?xml', 'paramsSyncLead', 'ana@example.test']) {
      expect(everything).not.toContain(marker);
    }
  });
});
