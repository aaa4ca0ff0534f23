/**
 * Hostile requests through `app.request()`. Each case once crashed the proxy, lost or altered
 * data, or returned far more than the request contained.
 */
import { describe, expect, it } from 'vitest';

import { createHarness, errorOf, postSubmission, submission } from './testing/app-harness.js';

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
