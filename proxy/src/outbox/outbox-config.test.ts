import { describe, expect, it } from 'vitest';

import { loadConfig, type Env } from '../config.js';
import { ConfigError } from '../errors.js';

const ENV: Env = {
  MARKETO_API: 'soap',
  MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:1/soap/mktows/2_9',
  MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
  MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
  MARKETO_MUNCHKIN_ID: '123-ABC-456',
  ALLOWED_ORIGINS: '*',
};

describe('loadConfig outbox settings', () => {
  it('applies the defaults', () => {
    const config = loadConfig(ENV);

    expect(config.outbox).toEqual({ path: undefined, drainIntervalMs: 30_000, maxAttempts: 10, retryBaseDelayMs: 30_000 });
    expect(config.adminToken).toBeUndefined();
  });

  it('reads every outbox variable', () => {
    const config = loadConfig({
      ...ENV,
      LEADSYNC_OUTBOX_PATH: '/var/lib/leadsync/outbox.sqlite',
      LEADSYNC_OUTBOX_DRAIN_INTERVAL_MS: '500',
      LEADSYNC_OUTBOX_MAX_ATTEMPTS: '3',
      LEADSYNC_OUTBOX_RETRY_BASE_MS: '200',
    });

    expect(config.outbox).toEqual({ path: '/var/lib/leadsync/outbox.sqlite', drainIntervalMs: 500, maxAttempts: 3, retryBaseDelayMs: 200 });
  });

  it('rejects zero attempts with the range', () => {
    expect(() => loadConfig({ ...ENV, LEADSYNC_OUTBOX_MAX_ATTEMPTS: '0' })).toThrow(/LEADSYNC_OUTBOX_MAX_ATTEMPTS is invalid: expected an integer from 1 to 100/);
  });
});

describe('loadConfig LEADSYNC_ADMIN_TOKEN', () => {
  it('accepts a long hex token', () => {
    const token = 'a'.repeat(64);

    expect(loadConfig({ ...ENV, LEADSYNC_ADMIN_TOKEN: token }).adminToken).toBe(token);
  });

  it('rejects a short token without quoting it', () => {
    const load = () => loadConfig({ ...ENV, LEADSYNC_ADMIN_TOKEN: 'hunter2' });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow('LEADSYNC_ADMIN_TOKEN is too short: it has 7 characters, expected at least 32.');
    expect(load).not.toThrow(/hunter2/);
  });

  it('rejects characters a bearer token cannot carry', () => {
    const token = `${'b'.repeat(40)} secret`;
    const load = () => loadConfig({ ...ENV, LEADSYNC_ADMIN_TOKEN: token });

    expect(load).toThrow(/LEADSYNC_ADMIN_TOKEN contains characters a bearer token cannot carry/);
    expect(load).not.toThrow(/secret/);
  });
});
