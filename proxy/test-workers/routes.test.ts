import { exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';

import { callWorker, COOKIE, emulatorLeadsByEmail, ORIGIN, submissionRequest, uniqueEmail } from './helpers.js';

/**
 * The proxy's HTTP API served by the Worker entry inside workerd, with the emulator (in Node)
 * as the upstream: the same routes the Node server serves.
 */

const BASE = 'https://proxy.example.test';

describe('Worker entry basics', () => {
  it('runs inside workerd', () => {
    expect(navigator.userAgent).toBe('Cloudflare-Workers');
  });

  it('GET /healthz returns ok', async () => {
    const response = await exports.default.fetch(`${BASE}/healthz`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('unknown route returns JSON 404', async () => {
    const response = await exports.default.fetch(`${BASE}/nope`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('Worker GET /v1/forms/{formId}', () => {
  it('returns the bundled form with the Munchkin id', async () => {
    const response = await exports.default.fetch(`${BASE}/v1/forms/contact`, { headers: { Origin: ORIGIN } });
    const form = (await response.json()) as { id: string; munchkinId: string; fields: Array<{ name: string }> };

    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(form.id).toBe('contact');
    expect(form.munchkinId).toBe('123-ABC-456');
    expect(form.fields.map((field) => field.name)).toContain('email');
  });

  it('unknown form returns form_not_found', async () => {
    const response = await exports.default.fetch(`${BASE}/v1/forms/missing`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'form_not_found' } });
  });

  it('preflight from an allowed origin gets CORS headers', async () => {
    const response = await exports.default.fetch(`${BASE}/v1/forms/contact/submissions`, {
      method: 'OPTIONS',
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe(ORIGIN);
    expect(response.headers.get('Access-Control-Allow-Methods')).toContain('POST');
  });
});

describe('Worker POST /v1/forms/{formId}/submissions', () => {
  it('creates the lead in the emulator with its cookie', async () => {
    const email = uniqueEmail('workerd-created');

    const response = await callWorker(
      submissionRequest({ submissionId: crypto.randomUUID(), fields: { email, firstName: 'Zoë' }, mktoTrk: COOKIE }),
    );
    const body = (await response.json()) as { status: string; leadId: number };
    const leads = await emulatorLeadsByEmail(email);

    expect(response.status).toBe(200);
    expect(body.status).toBe('created');
    expect(leads).toHaveLength(1);
    expect(leads[0]?.id).toBe(body.leadId);
    expect(leads[0]?.attributes.FirstName).toBe('Zoë');
    expect(leads[0]?.cookies).toContain(COOKIE);
  });

  it('rejects an undefined field with unknown_field', async () => {
    const response = await callWorker(submissionRequest({ submissionId: crypto.randomUUID(), fields: { email: uniqueEmail('x'), salary: '1' } }));

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'unknown_field', fields: [{ name: 'salary' }] } });
  });

  it('rejects a foreign origin with 403', async () => {
    const request = submissionRequest({ submissionId: crypto.randomUUID(), fields: { email: uniqueEmail('x') } }, undefined, {
      Origin: 'https://evil.example',
    });

    const response = await callWorker(request);

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
  });

  it('rejects a non-JSON body with 415', async () => {
    const request = submissionRequest('email=a', undefined, { 'Content-Type': 'text/plain' });

    const response = await callWorker(request);

    expect(response.status).toBe(415);
  });

  it('rejects a body over 64 KiB with 413', async () => {
    const body = JSON.stringify({ submissionId: crypto.randomUUID(), fields: { email: 'a@example.test', comments: 'x'.repeat(70_000) } });

    const response = await callWorker(submissionRequest(body));

    expect(response.status).toBe(413);
  });

  it('queues a submission Marketo cannot take now', async () => {
    const email = uniqueEmail('queued');
    const submissionId = crypto.randomUUID();
    const request = submissionRequest({ submissionId, fields: { email } });

    // This isolate cannot reach Marketo; the queue consumer runs with the configured endpoint.
    const response = await callWorker(request, { MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:9/soap/mktows/2_9', LEADSYNC_DELIVERY_TIMEOUT_MS: '1000' });

    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ submissionId, status: 'queued' });
    await expect.poll(async () => (await emulatorLeadsByEmail(email)).length, { timeout: 10_000, interval: 200 }).toBe(1);
  });
});

describe('Worker GET /leadsync.js', () => {
  it('serves the widget from the ASSETS binding', async () => {
    const response = await exports.default.fetch(`${BASE}/leadsync.js`);

    if (inject('widgetStaged')) {
      expect(response.status).toBe(200);
      expect(response.headers.get('Content-Type')).toBe('application/javascript; charset=utf-8');
      expect(response.headers.get('ETag')).toMatch(/^"/);
    } else {
      expect(response.status).toBe(503);
    }
  });

  it('returns widget_not_built when the asset is missing', async () => {
    const assets = { fetch: async () => new Response('Not Found', { status: 404 }) };

    const response = await callWorker(new Request(`${BASE}/leadsync.js`), { ASSETS: assets });

    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'widget_not_built' } });
  });
});

describe('Worker under LEADSYNC_BASE_PATH', () => {
  it('serves every route under the prefix', async () => {
    const overrides = { LEADSYNC_BASE_PATH: '/_leadsync' };
    const email = uniqueEmail('workerd-prefix');

    const health = await callWorker(new Request(`${BASE}/_leadsync/healthz`), overrides);
    const form = await callWorker(new Request(`${BASE}/_leadsync/v1/forms/contact`), overrides);
    const submission = await callWorker(
      submissionRequest({ submissionId: crypto.randomUUID(), fields: { email } }, '/_leadsync/v1/forms/contact/submissions'),
      overrides,
    );
    const outside = await callWorker(new Request(`${BASE}/healthz`), overrides);

    expect(health.status).toBe(200);
    expect(form.status).toBe(200);
    expect(submission.status).toBe(200);
    expect(await emulatorLeadsByEmail(email)).toHaveLength(1);
    expect(outside.status).toBe(404);
  });
});

describe('Worker configuration errors', () => {
  it('returns invalid_config without naming a secret', async () => {
    const response = await callWorker(new Request(`${BASE}/healthz`), { MARKETO_ENCRYPTION_KEY: '', MARKETO_MUNCHKIN_ID: 'bad' });
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_config', retryable: false } });
    expect(text).not.toContain('MARKETO_ENCRYPTION_KEY');
    expect(text).not.toContain('demo-encryption-key');
  });
});
