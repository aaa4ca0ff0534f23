/**
 * Hostile requests through `app.request()`. Each case once crashed the proxy, lost or altered
 * data, or returned far more than the request contained.
 */
import { describe, expect, it } from 'vitest';

import { parseForms } from './forms/parse-forms.js';
import { createHarness, errorOf, ORIGIN, postSubmission, submission } from './testing/app-harness.js';

describe('submission route with deeply nested JSON', () => {
  it.each([
    ['a field value', (id: string) => `{"submissionId":"${id}","fields":{"firstName":${'['.repeat(3000)}${']'.repeat(3000)}}}`],
    ['the submissionId', () => `{"submissionId":${'['.repeat(3000)}${']'.repeat(3000)},"fields":{}}`],
    ['the context', (id: string) => `{"submissionId":"${id}","fields":{},"context":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
  ])('answers 400 invalid_request for nesting in %s', async (_case, body) => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, body(crypto.randomUUID()));
    const error = await errorOf(response);

    expect(response.status).toBe(400);
    expect(error.code).toBe('invalid_request');
    expect(error.message).toContain('more than 32 levels deep');
    expect(upstream.calls).toBe(0);
  });

  it('accepts a submission nested as the widget posts it', async () => {
    const { app } = createHarness();

    const response = await postSubmission(app, submission({ context: { utm: { utm_source: 'news' } } }));

    expect(response.status).toBe(200);
  });
});

describe('submission route idempotency keys', () => {
  it('treats an upper-case submissionId as the same id', async () => {
    const { app, upstream } = createHarness();
    const body = submission();

    const first = await postSubmission(app, body);
    const repeat = await postSubmission(app, { ...body, submissionId: String(body.submissionId).toUpperCase() });

    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual(await first.json());
    expect(upstream.calls).toBe(1);
  });

  it('replays a retry that differs only in spaces', async () => {
    const { app, upstream } = createHarness();
    const body = submission({ fields: { email: 'ana@example.test', firstName: 'Ana' } });

    const first = await postSubmission(app, body);
    const repeat = await postSubmission(app, { ...body, fields: { email: ' ana@example.test ', firstName: 'Ana\t' } });

    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual(await first.json());
    expect(upstream.calls).toBe(1);
  });

  it('sends a human submission after a bot with its id', async () => {
    const { app, upstream } = createHarness();
    const body = submission();

    const bot = await postSubmission(app, { ...body, signals: { honeypot: 'https://spam.example', elapsedMs: 6000 } });
    const human = await postSubmission(app, body);

    expect(bot.status).toBe(200);
    expect(human.status).toBe(200);
    expect(await human.json()).toMatchObject({ submissionId: body.submissionId, leadId: 4242 });
    expect(upstream.calls).toBe(1);
  });
});

describe('submission route with invalid UTF-8', () => {
  it.each([
    ['bytes FF FE', [0xff, 0xfe]],
    ['an overlong encoding of "<"', [0xc0, 0xbc]],
    ['a lone continuation byte', [0x80]],
  ])('answers 400 invalid_json for %s', async (_case, bytes) => {
    const { app, upstream } = createHarness();
    const text = JSON.stringify(submission({ fields: { email: 'ana@example.test', firstName: 'MARK' } }));
    const [before, after] = text.split('MARK') as [string, string];
    const body = new Uint8Array([...new TextEncoder().encode(before), ...bytes, ...new TextEncoder().encode(after)]);

    const response = await app.request('/v1/forms/contact/submissions', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const error = await errorOf(response);

    expect(response.status).toBe(400);
    expect(error.code).toBe('invalid_json');
    expect(error.message).toContain('not valid UTF-8');
    expect(upstream.calls).toBe(0);
  });
});

describe('error responses to oversized input', () => {
  it('lists 20 unknown fields and counts the rest', async () => {
    const { app, rawLogs } = createHarness();
    const fields = Object.fromEntries(Array.from({ length: 4000 }, (_, index) => [`k${index}`, 'x']));

    const response = await postSubmission(app, submission({ fields: { email: 'ana@example.test', ...fields } }));
    const text = await response.text();
    const error = (JSON.parse(text) as { error: { fields: unknown[]; omittedFields: number; message: string } }).error;

    expect(response.status).toBe(400);
    expect(error.fields).toHaveLength(20);
    expect(error.omittedFields).toBe(3980);
    expect(error.message).toContain('and 3980 more');
    expect(text.length).toBeLessThan(4000);
    expect(Math.max(...rawLogs.map((line) => line.length))).toBeLessThan(2000);
  });

  it('shortens a 60 KB field name to 64 characters', async () => {
    const { app } = createHarness();
    const name = 'k'.repeat(60_000);

    const response = await postSubmission(app, submission({ fields: { email: 'ana@example.test', [name]: 'x' } }));
    const text = await response.text();

    expect(response.status).toBe(400);
    expect(text).toContain(`${'k'.repeat(64)}…`);
    expect(text.length).toBeLessThan(1000);
  });

  it('shortens a 16 KB form id in the 404 and the log', async () => {
    const { app, rawLogs } = createHarness();

    const response = await postSubmission(app, submission(), {}, 'f'.repeat(16_000));
    const error = await errorOf(response);

    expect(response.status).toBe(404);
    expect(error.message.length).toBeLessThan(200);
    expect(Math.max(...rawLogs.map((line) => line.length))).toBeLessThan(1000);
  });

  it('names an empty Origin header', async () => {
    const { app } = createHarness();

    const response = await postSubmission(app, submission(), { Origin: '' });

    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toContain('Submissions from an empty Origin header are not allowed');
  });

  it('writes "an object" for an object value', async () => {
    const { app } = createHarness();

    const response = await postSubmission(app, submission({ fields: { email: 'ana@example.test', firstName: { a: 1 } } }));

    expect((await errorOf(response)).fields?.[0]?.message).toContain('must be a string, got an object');
  });
});

describe('routes requested with a wrong method', () => {
  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers 405 to %s on the submissions path', async (method) => {
    const { app, upstream } = createHarness();

    const response = await app.request('/v1/forms/contact/submissions', { method, headers: { Origin: ORIGIN } });
    const error = await errorOf(response);

    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('POST, OPTIONS');
    expect(error.code).toBe('method_not_allowed');
    expect(error.message).toBe(`${method} is not allowed on /v1/forms/contact/submissions; use POST, OPTIONS.`);
    expect(upstream.calls).toBe(0);
  });

  it.each([
    ['/v1/forms/contact', 'GET, HEAD, OPTIONS'],
    ['/healthz', 'GET, HEAD'],
    ['/metrics', 'GET, HEAD'],
    ['/leadsync.js', 'GET, HEAD'],
  ])('answers 405 to POST on %s', async (path, allow) => {
    const { app } = createHarness();

    const response = await app.request(path, { method: 'POST' });

    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe(allow);
    expect((await errorOf(response)).code).toBe('method_not_allowed');
  });

  it('still answers 404 to an unknown path', async () => {
    const { app } = createHarness();

    const response = await app.request('/v1/forms/contact/other', { method: 'GET' });

    expect(response.status).toBe(404);
  });

  it('still answers HEAD on a GET route', async () => {
    const { app } = createHarness();

    const response = await app.request('/healthz', { method: 'HEAD' });

    expect(response.status).toBe(200);
  });
});

describe('submission route charset parameter', () => {
  it.each(['utf-8', 'UTF-8', 'utf8', 'UTF8', '"utf-8"'])('accepts charset=%s', async (charset) => {
    const { app } = createHarness();

    const response = await postSubmission(app, submission(), { 'Content-Type': `application/json; charset=${charset}` });

    expect(response.status).toBe(200);
  });

  it('names the charset it rejects', async () => {
    const { app, upstream } = createHarness();

    const response = await postSubmission(app, submission(), { 'Content-Type': 'application/json; charset=latin1' });
    const error = await errorOf(response);

    expect(response.status).toBe(415);
    expect(error.code).toBe('unsupported_media_type');
    expect(error.message).toBe('Content-Type charset must be utf-8, got "latin1".');
    expect(upstream.calls).toBe(0);
  });

  it.each(['charset=utf-8; charset=latin1', 'charset=latin1; charset=utf-8', 'charset=utf-8; CHARSET=utf-8'])(
    'rejects two charset parameters: %s',
    async (parameters) => {
      const { app, upstream } = createHarness();

      const response = await postSubmission(app, submission(), { 'Content-Type': `application/json; ${parameters}` });
      const error = await errorOf(response);

      expect(response.status).toBe(415);
      expect(error.message).toContain('more than one charset parameter');
      expect(upstream.calls).toBe(0);
    },
  );
});

const CALLBACK_FORMS = parseForms(
  {
    forms: [
      {
        id: 'callback',
        fields: [
          { name: 'email', type: 'email', required: true, label: { en: 'Email' }, marketo: { soap: 'Email' } },
          { name: 'phone', type: 'tel', label: { en: 'Phone' }, marketo: { soap: 'Phone' } },
          { name: 'firstName', type: 'text', label: { en: 'First name' }, marketo: { soap: 'FirstName' } },
          { name: 'comments', type: 'textarea', label: { en: 'Comments' }, marketo: { soap: 'Comments' } },
        ],
      },
    ],
  },
  { api: 'soap' },
);

function postCallback(app: ReturnType<typeof createHarness>['app'], fields: Record<string, string>): Promise<Response> {
  return postSubmission(app, submission({ fields: { email: 'ana@example.test', ...fields } }), {}, 'callback');
}

describe('submission route with no-break spaces in a phone number', () => {
  it.each([
    ['a no-break space', '+33\u00A01\u00A023\u00A045\u00A067\u00A089'],
    ['a narrow no-break space', '+33\u202F1\u202F23\u202F45\u202F67\u202F89'],
  ])('accepts and sends plain spaces for %s', async (_case, phone) => {
    const { app, upstream } = createHarness({ forms: CALLBACK_FORMS });

    const response = await postCallback(app, { phone });

    expect(response.status).toBe(200);
    expect(upstream.requests[0]?.body).toContain('+33 1 23 45 67 89');
  });

  it('says which characters a phone number may contain', async () => {
    const { app } = createHarness({ forms: CALLBACK_FORMS });

    const response = await postCallback(app, { phone: 'call me' });

    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields?.[0]?.message).toContain('use at least 3 digits, spaces and + ( ) . / -');
  });
});

describe('submission route with Unicode line breaks', () => {
  it.each([
    ['next line U+0085', '\u0085'],
    ['line separator U+2028', '\u2028'],
    ['paragraph separator U+2029', '\u2029'],
  ])('rejects %s in a single-line field', async (_case, lineBreak) => {
    const { app, upstream } = createHarness({ forms: CALLBACK_FORMS });

    const response = await postCallback(app, { firstName: `Ana${lineBreak}Bob` });
    const error = await errorOf(response);

    expect(response.status).toBe(400);
    expect(error.fields?.[0]).toMatchObject({ name: 'firstName', message: 'Field "firstName" must be a single line.' });
    expect(upstream.calls).toBe(0);
  });

  it('accepts a line separator in a textarea', async () => {
    const { app } = createHarness({ forms: CALLBACK_FORMS });

    const response = await postCallback(app, { comments: 'Call me\u2028after five' });

    expect(response.status).toBe(200);
  });
});
