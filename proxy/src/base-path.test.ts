import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { createApp } from './app.js';
import { loadConfig, type Env } from './config.js';
import { ConfigError } from './errors.js';
import { parseForms } from './forms/parse-forms.js';
import { silentLogger } from './log.js';
import { fakeUpstream } from './testing/fake-upstream.js';
import { successReply } from './testing/soap-replies.js';

const ORIGIN = 'https://www.example.test';

const ENV: Env = {
  MARKETO_API: 'soap',
  MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:1/soap/mktows/2_9',
  MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
  MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
  MARKETO_MUNCHKIN_ID: '123-ABC-456',
  ALLOWED_ORIGINS: ORIGIN,
};

const FORMS = parseForms(
  JSON.parse(readFileSync(fileURLToPath(new URL('../config/forms.demo.json', import.meta.url)), 'utf8')) as unknown,
  { api: 'soap' },
);

function appUnder(basePath: string) {
  const upstream = fakeUpstream({ status: 200, body: successReply(77, 'CREATED') });
  const app = createApp({
    config: loadConfig({ ...ENV, LEADSYNC_BASE_PATH: basePath }),
    forms: FORMS,
    fetch: upstream.fetch,
    loadWidget: () => '/* widget */',
    log: silentLogger,
  });
  return { app, upstream };
}

describe('LEADSYNC_BASE_PATH in loadConfig', () => {
  it('defaults to the root', () => {
    expect(loadConfig(ENV).basePath).toBe('');
  });

  it.each([
    ['/_leadsync', '/_leadsync'],
    ['/_leadsync/', '/_leadsync'],
    ['/tools/leadsync', '/tools/leadsync'],
    ['/', ''],
    ['  ', ''],
  ])('reads %j as %j', (value, expected) => {
    expect(loadConfig({ ...ENV, LEADSYNC_BASE_PATH: value }).basePath).toBe(expected);
  });

  it.each(['_leadsync', '/a//b', '/../admin', '/a b', '/%2e%2e', '/x?y', 'https://example.com/x'])('rejects %j', (value) => {
    const load = () => loadConfig({ ...ENV, LEADSYNC_BASE_PATH: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/LEADSYNC_BASE_PATH is invalid: expected a path such as \/_leadsync/);
  });
});

describe('createApp under a base path', () => {
  it('serves health, forms and the widget under the prefix', async () => {
    const { app } = appUnder('/_leadsync');

    expect((await app.request('/_leadsync/healthz')).status).toBe(200);
    expect((await app.request('/_leadsync/v1/forms/contact')).status).toBe(200);
    expect(await (await app.request('/_leadsync/leadsync.js')).text()).toBe('/* widget */');
  });

  it('accepts a submission under the prefix', async () => {
    const { app, upstream } = appUnder('/_leadsync');

    const response = await app.request('/_leadsync/v1/forms/contact/submissions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
      body: JSON.stringify({ submissionId: '6c1b0e3a-2f4d-4e8b-9a7c-1d2e3f4a5b6c', fields: { email: 'ana@example.test' } }),
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'created', leadId: 77 });
    expect(upstream.calls).toBe(1);
  });

  it('returns the JSON 404 outside the prefix', async () => {
    const { app } = appUnder('/_leadsync');

    const response = await app.request('/healthz');

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
