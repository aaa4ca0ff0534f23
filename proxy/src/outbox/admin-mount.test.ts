import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { createApp } from '../app.js';
import { loadConfig, type Env } from '../config.js';
import { parseForms } from '../forms/parse-forms.js';
import { silentLogger } from '../log.js';
import { SqliteOutbox } from './sqlite-outbox.js';

const TOKEN = 'f'.repeat(64);

const ENV: Env = {
  MARKETO_API: 'soap',
  MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:1/soap/mktows/2_9',
  MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
  MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
  MARKETO_MUNCHKIN_ID: '123-ABC-456',
  ALLOWED_ORIGINS: '*',
  LEADSYNC_BASE_PATH: '/_leadsync',
};

const FORMS = parseForms(
  JSON.parse(readFileSync(fileURLToPath(new URL('../../config/forms.demo.json', import.meta.url)), 'utf8')) as unknown,
  { api: 'soap' },
);

const outboxes: SqliteOutbox[] = [];

afterEach(() => {
  for (const outbox of outboxes.splice(0)) outbox.close();
});

function appWith(env: Env) {
  const outbox = new SqliteOutbox({ path: ':memory:' });
  outboxes.push(outbox);
  return createApp({ config: loadConfig(env), forms: FORMS, log: silentLogger, outbox, deadLetters: outbox, outboxStats: () => outbox.stats() });
}

describe('createApp admin routes', () => {
  it('serves them under the base path with the token', async () => {
    const app = appWith({ ...ENV, LEADSYNC_ADMIN_TOKEN: TOKEN });

    const response = await app.request('/_leadsync/admin/outbox', { headers: { Authorization: `Bearer ${TOKEN}` } });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ pending: 0, dead: 0 });
  });

  it('rejects them without the token', async () => {
    const app = appWith({ ...ENV, LEADSYNC_ADMIN_TOKEN: TOKEN });

    expect((await app.request('/_leadsync/admin/outbox/dead-letters')).status).toBe(401);
  });

  it('leaves them out without LEADSYNC_ADMIN_TOKEN', async () => {
    const app = appWith(ENV);

    const response = await app.request('/_leadsync/admin/outbox', { headers: { Authorization: `Bearer ${TOKEN}` } });

    expect(response.status).toBe(404);
  });
});
