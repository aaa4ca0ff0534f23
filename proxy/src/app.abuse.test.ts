/**
 * Abuse rules of the submission route through `app.request()`: CORS on error responses, rate
 * limits per address and per e-mail address, bot signals, Turnstile and the consent flag.
 * Each test checks the status and whether the fake Marketo was called.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseForms } from './forms/parse-forms.js';
import { CLIENT_ADDRESS, createHarness, errorOf, ORIGIN, postSubmission, submission } from './testing/app-harness.js';
import {
  BROKEN_TURNSTILE_TOKEN,
  startTurnstileStandIn,
  TURNSTILE_TEST_SECRET,
  VALID_TURNSTILE_TOKEN,
  type TurnstileStandIn,
} from './testing/turnstile-stand-in.js';

describe('app CORS on error answers', () => {
  it('lets the page read Retry-After of a 429', async () => {
    const { app } = createHarness({ env: { RATE_LIMIT_PER_ADDRESS: '1' } });
    await postSubmission(app, submission());

    const response = await postSubmission(app, submission());

    expect(response.status).toBe(429);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(response.headers.get('Access-Control-Expose-Headers')).toBe('Retry-After, X-Request-Id');
    expect(response.headers.get('Retry-After')).toMatch(/^[1-9][0-9]*$/);
  });

  it('sends no CORS headers to another origin', async () => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, submission(), { Origin: 'https://evil.example' });

    expect(response.status).toBe(403);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBeNull();
    expect(response.headers.get('Access-Control-Expose-Headers')).toBeNull();
    expect(upstream.calls).toBe(0);
  });
});

describe('app rate limit per client address', () => {
  it('answers 429 with Retry-After above the limit, without calling Marketo', async () => {
    const { app, upstream } = createHarness({ env: { RATE_LIMIT_PER_ADDRESS: '2', RATE_LIMIT_WINDOW_SECONDS: '60' } });

    const statuses = [];
    for (let index = 0; index < 3; index += 1) {
      statuses.push((await postSubmission(app, submission({ fields: { email: `p${index}@example.test` } }))).status);
    }
    const limited = await postSubmission(app, submission({ fields: { email: 'p9@example.test' } }));
    const error = await errorOf(limited);

    expect(statuses).toEqual([200, 200, 429]);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('Retry-After'))).toBeLessThanOrEqual(60);
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect(error.message).toContain('network address');
    expect(upstream.calls).toBe(2);
  });

  it('counts rejected requests too', async () => {
    const { app, upstream } = createHarness({ env: { RATE_LIMIT_PER_ADDRESS: '1' } });

    expect((await postSubmission(app, '{broken')).status).toBe(400);
    expect((await postSubmission(app, submission())).status).toBe(429);
    expect(upstream.calls).toBe(0);
  });

  it('counts each address apart', async () => {
    const { app, upstream } = createHarness({ env: { RATE_LIMIT_PER_ADDRESS: '1' }, runtimeAddress: (c) => c.req.header('X-Test-Peer') });

    const first = await postSubmission(app, submission({ fields: { email: 'a@example.test' } }), { 'X-Test-Peer': '198.51.100.1' });
    const second = await postSubmission(app, submission({ fields: { email: 'b@example.test' } }), { 'X-Test-Peer': '198.51.100.2' });

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(upstream.calls).toBe(2);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY_HEADERS names it', async () => {
    const { app } = createHarness({ env: { RATE_LIMIT_PER_ADDRESS: '1' } });

    await postSubmission(app, submission({ fields: { email: 'a@example.test' } }), { 'X-Forwarded-For': '198.51.100.1' });
    const spoofed = await postSubmission(app, submission({ fields: { email: 'b@example.test' } }), { 'X-Forwarded-For': '198.51.100.2' });

    expect(spoofed.status).toBe(429);
  });

  it('keys by the last X-Forwarded-For entry when trusted', async () => {
    const { app, upstream } = createHarness({ env: { RATE_LIMIT_PER_ADDRESS: '1', TRUST_PROXY_HEADERS: 'x-forwarded-for' } });

    const first = await postSubmission(app, submission({ fields: { email: 'a@example.test' } }), { 'X-Forwarded-For': '10.9.9.9, 198.51.100.1' });
    const second = await postSubmission(app, submission({ fields: { email: 'b@example.test' } }), { 'X-Forwarded-For': '10.9.9.9, 198.51.100.2' });
    const third = await postSubmission(app, submission({ fields: { email: 'c@example.test' } }), { 'X-Forwarded-For': '10.0.0.1, 198.51.100.2' });

    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    expect(upstream.calls).toBe(2);
  });

  it('turns off with RATE_LIMIT_PER_ADDRESS=0', async () => {
    const { app } = createHarness({ env: { RATE_LIMIT_PER_ADDRESS: '0', RATE_LIMIT_PER_EMAIL: '0' } });

    for (let index = 0; index < 5; index += 1) {
      expect((await postSubmission(app, submission())).status).toBe(200);
    }
  });
});

describe('app rate limit per e-mail address', () => {
  it('answers 429 for the same address in another case', async () => {
    const { app, upstream } = createHarness({ env: { RATE_LIMIT_PER_EMAIL: '1' } });

    const first = await postSubmission(app, submission({ fields: { email: 'ana@example.test' } }));
    const second = await postSubmission(app, submission({ fields: { email: 'ANA@Example.test' } }));
    const other = await postSubmission(app, submission({ fields: { email: 'bob@example.test' } }));

    expect([first.status, second.status, other.status]).toEqual([200, 429, 200]);
    expect((await errorOf(second)).message).toContain('e-mail address');
    expect(second.headers.get('Retry-After')).not.toBeNull();
    expect(upstream.calls).toBe(2);
  });

  it('does not count a repeated submissionId', async () => {
    const { app, upstream } = createHarness({ env: { RATE_LIMIT_PER_EMAIL: '1' } });
    const body = submission();

    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await postSubmission(app, body)).status);

    expect(statuses).toEqual([200, 200, 200]);
    expect(upstream.calls).toBe(1);
  });
});

describe('app bot signals', () => {
  it('answers a filled honeypot like a success and sends nothing', async () => {
    const { app, upstream, logs } = createHarness();
    const body = submission({ signals: { honeypot: 'https://spam.example', elapsedMs: 9000 } });

    const response = await postSubmission(app, body);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ submissionId: body.submissionId, status: 'created', cookie: 'associated' });
    expect(upstream.calls).toBe(0);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'info', reason: 'honeypot', submissionId: body.submissionId }));
  });

  it('answers a fill faster than 1500 ms like a success and sends nothing', async () => {
    const { app, upstream, logs } = createHarness();

    const response = await postSubmission(app, submission({ signals: { honeypot: '', elapsedMs: 300 } }));

    expect(response.status).toBe(200);
    expect(((await response.json()) as Record<string, unknown>).leadId).toBeUndefined();
    expect(upstream.calls).toBe(0);
    expect(logs).toContainEqual(expect.objectContaining({ reason: 'too_fast', elapsedMs: 300, minFillMs: 1500 }));
  });

  it('uses the form minFillMs from the forms file', async () => {
    const forms = parseForms(
      {
        forms: [
          {
            id: 'contact',
            minFillMs: 5000,
            fields: [{ name: 'email', type: 'email', required: true, label: { en: 'Email' }, marketo: { soap: 'Email' } }],
          },
        ],
      },
      { api: 'soap' },
    );
    const { app, upstream } = createHarness({ forms });

    await postSubmission(app, submission({ fields: { email: 'ana@example.test' }, signals: { elapsedMs: 4000 } }));
    await postSubmission(app, submission({ fields: { email: 'bob@example.test' }, signals: { elapsedMs: 5000 } }));

    expect(upstream.calls).toBe(1);
    expect(upstream.requests[0]?.body).toContain('bob@example.test');
  });

  it('lets LEADSYNC_MIN_FILL_MS=0 pass automated fast fills', async () => {
    const { app, upstream } = createHarness({ env: { LEADSYNC_MIN_FILL_MS: '0' } });

    const response = await postSubmission(app, submission({ signals: { honeypot: '', elapsedMs: 4 } }));

    expect(response.status).toBe(200);
    expect(((await response.json()) as Record<string, unknown>).leadId).toBe(4242);
    expect(upstream.calls).toBe(1);
  });

  it('still catches a honeypot with LEADSYNC_MIN_FILL_MS=0', async () => {
    const { app, upstream } = createHarness({ env: { LEADSYNC_MIN_FILL_MS: '0' } });

    await postSubmission(app, submission({ signals: { honeypot: 'x', elapsedMs: 4 } }));

    expect(upstream.calls).toBe(0);
  });

  it('delivers a submission without signals', async () => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, submission({ signals: undefined }));

    expect(response.status).toBe(200);
    expect(upstream.calls).toBe(1);
  });

  it('rejects malformed signals with 400 naming the key', async () => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, submission({ signals: { elapsedMs: 'fast' } }));

    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('"signals.elapsedMs"') });
    expect(upstream.calls).toBe(0);
  });

  it('flags a bot before reading its fields', async () => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, submission({ fields: { email: 'not an address', leadScore: '100' }, signals: { honeypot: 'x' } }));

    expect(response.status).toBe(200);
    expect(upstream.calls).toBe(0);
  });

  it('counts flagged submissions in the metrics', async () => {
    const { app } = createHarness();
    await postSubmission(app, submission({ signals: { honeypot: 'x' } }));

    const metrics = await (await app.request('/metrics')).text();

    expect(metrics).toContain('leadsync_bot_submissions_total{reason="honeypot"} 1');
    expect(metrics).toContain('leadsync_submissions_total{outcome="bot"} 1');
  });
});

describe('app Turnstile verification', () => {
  let standIn: TurnstileStandIn;

  beforeAll(async () => {
    standIn = await startTurnstileStandIn();
  });

  afterAll(async () => {
    await standIn.close();
  });

  function turnstileHarness() {
    return createHarness({ env: { TURNSTILE_SECRET_KEY: TURNSTILE_TEST_SECRET, TURNSTILE_VERIFY_URL: standIn.url } });
  }

  it('delivers a submission with a valid token', async () => {
    const { app, upstream } = turnstileHarness();
    const body = submission({ signals: { honeypot: '', elapsedMs: 6000, turnstileToken: VALID_TURNSTILE_TOKEN } });

    const response = await postSubmission(app, body);

    expect(response.status).toBe(200);
    expect(upstream.calls).toBe(1);
    expect(standIn.requests.at(-1)).toEqual({
      secret: TURNSTILE_TEST_SECRET,
      response: VALID_TURNSTILE_TOKEN,
      remoteip: CLIENT_ADDRESS,
      idempotencyKey: body.submissionId,
    });
  });

  it('answers 403 for a rejected token without calling Marketo', async () => {
    const { app, upstream } = turnstileHarness();

    const response = await postSubmission(app, submission({ signals: { turnstileToken: 'forged' } }));

    expect(response.status).toBe(403);
    expect(await errorOf(response)).toEqual({
      code: 'bot_check_failed',
      message: 'The anti-bot check failed. Please reload the page and submit the form again.',
      retryable: false,
    });
    expect(upstream.calls).toBe(0);
  });

  it('answers 403 when the token is missing', async () => {
    const { app, upstream } = turnstileHarness();

    const response = await postSubmission(app, submission({ signals: undefined }));

    expect(response.status).toBe(403);
    expect(upstream.calls).toBe(0);
  });

  it('answers 503 with Retry-After when siteverify fails', async () => {
    const { app, upstream } = turnstileHarness();

    const response = await postSubmission(app, submission({ signals: { turnstileToken: BROKEN_TURNSTILE_TOKEN } }));

    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('5');
    expect(await errorOf(response)).toMatchObject({ code: 'bot_check_unavailable', retryable: true });
    expect(upstream.calls).toBe(0);
  });

  it('does not verify a repeated submission again', async () => {
    const { app, upstream } = turnstileHarness();
    const body = submission({ signals: { turnstileToken: VALID_TURNSTILE_TOKEN } });
    await postSubmission(app, body);
    const verifications = standIn.requests.length;

    const repeat = await postSubmission(app, body);

    expect(repeat.status).toBe(200);
    expect(standIn.requests.length).toBe(verifications);
    expect(upstream.calls).toBe(1);
  });
});

describe('app cookie outcomes', () => {
  it.each([
    ['epoch token', 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345', 'associated'],
    ['32-digit hex token', 'id:123-ABC-456&token:_mch-example.test-97bf4361ef4433921a6da262e8df45a1', 'associated'],
    ['31-digit hex token', 'id:123-ABC-456&token:_mch-marketo.com-97bf4361ef4433921a6da262e8df45a', 'associated'],
    ['other instance', 'id:561-HYG-937&token:_mch-example.test-1700000000000-12345', 'other_instance'],
    ['malformed value', 'id:123-ABC-456&token:<script>', 'malformed'],
  ])('reports %s as %s', async (_case, mktoTrk, outcome) => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, submission({ mktoTrk }));

    expect(response.status).toBe(200);
    expect(((await response.json()) as { cookie: string }).cookie).toBe(outcome);
    expect(upstream.requests[0]!.body.includes('<marketoCookie>')).toBe(outcome === 'associated');
  });

  it('sends no cookie when context.consent is false', async () => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, submission({ context: { consent: false } }));

    expect(response.status).toBe(200);
    expect(((await response.json()) as { cookie: string }).cookie).toBe('not_sent_consent');
    expect(upstream.requests[0]?.body).not.toContain('marketoCookie');
  });

  it('reports not_sent_consent when the widget withheld the cookie', async () => {
    const { app } = createHarness();

    const response = await postSubmission(app, submission({ mktoTrk: undefined, context: { consent: false } }));

    expect(((await response.json()) as { cookie: string }).cookie).toBe('not_sent_consent');
  });

  it('sends the cookie when context.consent is true', async () => {
    const { app, upstream } = createHarness();

    await postSubmission(app, submission({ context: { consent: true } }));

    expect(upstream.requests[0]?.body).toContain('<marketoCookie>');
  });

  it('rejects a consent flag that is not a boolean', async () => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, submission({ context: { consent: 'yes' } }));

    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('"context.consent" must be true or false');
    expect(upstream.calls).toBe(0);
  });
});
