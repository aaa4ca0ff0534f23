import { describe, expect, it } from 'vitest';

import { callLimitWarnings, loadConfig, type Env, type ProxyConfig, type SoapSettings } from './config.js';
import { ConfigError } from './errors.js';

const SOAP_ENV: Env = {
  MARKETO_API: 'soap',
  MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:8790/soap/mktows/2_9',
  MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
  MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
  MARKETO_MUNCHKIN_ID: '123-ABC-456',
  ALLOWED_ORIGINS: 'http://127.0.0.1:5173',
};

const REST_ENV: Env = {
  MARKETO_API: 'rest',
  MARKETO_REST_ENDPOINT: 'http://127.0.0.1:8790/',
  MARKETO_CLIENT_ID: 'demo-client-id',
  MARKETO_CLIENT_SECRET: 'demo-client-secret',
  MARKETO_MUNCHKIN_ID: '123-ABC-456',
  ALLOWED_ORIGINS: '*',
};

function soapSettings(config: ProxyConfig): SoapSettings {
  if (config.marketo.api !== 'soap') throw new Error(`expected MARKETO_API=soap, got ${config.marketo.api}`);
  return config.marketo.soap;
}

function configError(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig defaults', () => {
  it('reads the SOAP settings', () => {
    const config = loadConfig(SOAP_ENV);

    expect(config.marketo).toEqual({
      api: 'soap',
      soap: {
        endpoint: 'http://127.0.0.1:8790/soap/mktows/2_9',
        userId: 'leadsync_demo_1A2B3C4D5E6F',
        encryptionKey: 'demo-encryption-key',
        workspace: undefined,
      },
    });
    expect(config.munchkinId).toBe('123-ABC-456');
  });

  it('applies port, host and timeout defaults', () => {
    const config = loadConfig(SOAP_ENV);

    expect(config.port).toBe(8787);
    expect(config.host).toBe('127.0.0.1');
    expect(config.timeoutMs).toBe(10_000);
    expect(config.formsPath).toBeUndefined();
  });

  it('reads optional variables', () => {
    const config = loadConfig({
      ...SOAP_ENV,
      MARKETO_WORKSPACE: 'Futures Institute',
      PORT: '0',
      HOST: '::1',
      MARKETO_TIMEOUT_MS: '2500',
      LEADSYNC_CONFIG: '/etc/leadsync/forms.json',
    });

    expect(soapSettings(config).workspace).toBe('Futures Institute');
    expect(config.port).toBe(0);
    expect(config.host).toBe('::1');
    expect(config.timeoutMs).toBe(2500);
    expect(config.formsPath).toBe('/etc/leadsync/forms.json');
  });

  it('treats blank optional variables as unset', () => {
    const config = loadConfig({ ...SOAP_ENV, MARKETO_WORKSPACE: '', PORT: ' ' });

    expect(soapSettings(config).workspace).toBeUndefined();
    expect(config.port).toBe(8787);
  });

  it('reads the REST settings when MARKETO_API is rest', () => {
    const config = loadConfig(REST_ENV);

    expect(config.marketo).toEqual({
      api: 'rest',
      rest: { endpoint: 'http://127.0.0.1:8790', clientId: 'demo-client-id', clientSecret: 'demo-client-secret', partition: undefined },
    });
  });
});

describe('loadConfig with several problems', () => {
  it('reports all of them in one error', () => {
    const error = configError({ ...SOAP_ENV, MARKETO_MUNCHKIN_ID: 'nope', PORT: 'eighty', ALLOWED_ORIGINS: '' });

    expect(error.problems.map((problem) => problem.variable)).toEqual(['MARKETO_MUNCHKIN_ID', 'ALLOWED_ORIGINS', 'PORT']);
    expect(error.variable).toBe('MARKETO_MUNCHKIN_ID');
    expect(error.message).toMatch(/^The configuration has 3 problems:\n- MARKETO_MUNCHKIN_ID /);
    expect(error.message).toContain('\n- PORT is invalid');
  });

  it('throws a single problem as it is', () => {
    const error = configError({ ...SOAP_ENV, PORT: 'eighty' });

    expect(error.problems).toEqual([]);
    expect(error.message).toMatch(/^PORT is invalid/);
  });
});

describe('callLimitWarnings', () => {
  it('is empty for the defaults', () => {
    expect(callLimitWarnings(loadConfig(SOAP_ENV))).toEqual([]);
  });

  it('names each limit above Marketo\'s', () => {
    const config = loadConfig({ ...SOAP_ENV, MARKETO_MAX_CONCURRENT_CALLS: '11', MARKETO_MAX_CALLS_PER_20S: '500' });

    expect(callLimitWarnings(config)).toEqual([
      expect.stringContaining("MARKETO_MAX_CONCURRENT_CALLS=11 is above Marketo's limit of 10"),
      expect.stringContaining("MARKETO_MAX_CALLS_PER_20S=500 is above Marketo's limit of 100"),
    ]);
  });
});

describe('loadConfig LEADSYNC_MIN_FILL_MS', () => {
  it('names the form setting that applies when unset', () => {
    const error = configError({ ...SOAP_ENV, LEADSYNC_MIN_FILL_MS: '-5' });

    expect(error.variable).toBe('LEADSYNC_MIN_FILL_MS');
    expect(error.message).toContain("Unset it to use each form's own minFillMs.");
  });
});

describe('loadConfig ALLOWED_ORIGINS', () => {
  it('normalizes origins as browsers send them', () => {
    const config = loadConfig({ ...SOAP_ENV, ALLOWED_ORIGINS: 'https://Example.com:443/, http://127.0.0.1:5173 ,https://www.example.com' });
    expect(config.allowedOrigins).toEqual(['https://example.com', 'http://127.0.0.1:5173', 'https://www.example.com']);
  });

  it('accepts * alone', () => {
    expect(loadConfig({ ...SOAP_ENV, ALLOWED_ORIGINS: '*' }).allowedOrigins).toBe('*');
  });

  it.each([
    ['*,https://example.com', '"*" must be the only entry'],
    ['https://example.com/form', 'remove the path, query or user info and use "https://example.com"'],
    ['example.com', 'is not an http(s) origin'],
    ['ftp://example.com', 'is not an http(s) origin'],
    [' , ', 'ALLOWED_ORIGINS is empty'],
    ['https://*.example.com', 'has a wildcard, which the proxy does not expand'],
  ])('rejects %j', (value, expected) => {
    const error = configError({ ...SOAP_ENV, ALLOWED_ORIGINS: value });
    expect(error.variable).toBe('ALLOWED_ORIGINS');
    expect(error.message).toContain(expected);
  });
});

describe('loadConfig errors', () => {
  it.each([
    'MARKETO_API',
    'MARKETO_SOAP_ENDPOINT',
    'MARKETO_USER_ID',
    'MARKETO_ENCRYPTION_KEY',
    'MARKETO_MUNCHKIN_ID',
    'ALLOWED_ORIGINS',
  ])('names missing %s', (variable) => {
    const error = configError({ ...SOAP_ENV, [variable]: undefined });

    expect(error.variable).toBe(variable);
    expect(error.code).toBe('invalid_config');
    expect(error.message).toMatch(new RegExp(`^${variable} is missing\\. \\S`));
  });

  it.each(['MARKETO_REST_ENDPOINT', 'MARKETO_CLIENT_ID', 'MARKETO_CLIENT_SECRET'])('names missing %s for rest', (variable) => {
    const error = configError({ ...REST_ENV, [variable]: undefined });

    expect(error.variable).toBe(variable);
    expect(error.message).toContain('MARKETO_API=soap');
  });

  it('names the bad MARKETO_API value and the choices', () => {
    expect(configError({ ...SOAP_ENV, MARKETO_API: 'graphql' }).message).toBe(
      'MARKETO_API is invalid: expected "soap" or "rest", got "graphql".',
    );
  });

  it('names a malformed Munchkin id', () => {
    const error = configError({ ...SOAP_ENV, MARKETO_MUNCHKIN_ID: '123-abc-456' });
    expect(error.message).toContain('expected NNN-XXX-NNN');
    expect(error.message).toContain('"123-abc-456"');
  });

  it.each([
    ['not a url', 'is not an http(s) URL: got "not a url"'],
    ['file:///etc/passwd', 'is not an http(s) URL'],
  ])('rejects endpoint %j', (value, expected) => {
    const error = configError({ ...SOAP_ENV, MARKETO_SOAP_ENDPOINT: value });
    expect(error.variable).toBe('MARKETO_SOAP_ENDPOINT');
    expect(error.message).toContain(expected);
  });

  it('rejects an endpoint with a password without echoing it', () => {
    const error = configError({ ...SOAP_ENV, MARKETO_SOAP_ENDPOINT: 'https://user:hunter2@example.com/soap' });

    expect(error.message).toContain('must not contain a user name or password');
    expect(error.message).not.toContain('hunter2');
  });

  it.each([
    ['PORT', '80a'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['MARKETO_TIMEOUT_MS', '0'],
    ['MARKETO_TIMEOUT_MS', '10s'],
    ['MARKETO_TIMEOUT_MS', '600000'],
  ])('rejects %s=%s with the allowed range', (variable, value) => {
    const error = configError({ ...SOAP_ENV, [variable]: value });

    expect(error.variable).toBe(variable);
    expect(error.message).toContain(`got ${JSON.stringify(value)}`);
    expect(error.message).toMatch(/expected an integer from \d+ to \d+/);
  });

  it('rejects a workspace with a line break', () => {
    const error = configError({ ...SOAP_ENV, MARKETO_WORKSPACE: 'Default\nX' });
    expect(error.variable).toBe('MARKETO_WORKSPACE');
    expect(error.message).toContain('control character');
  });
});

describe('loadConfig MARKETO_REST_ENDPOINT', () => {
  it.each(['https://123-ABC-456.mktorest.com/rest', 'https://123-ABC-456.mktorest.com/rest/'])('rejects %s with the fix', (endpoint) => {
    const error = configError({ ...REST_ENV, MARKETO_REST_ENDPOINT: endpoint });

    expect(error.variable).toBe('MARKETO_REST_ENDPOINT');
    expect(error.message).toContain('Set it to the base URL without /rest, e.g. "https://123-abc-456.mktorest.com"');
  });
});

describe('loadConfig LEADSYNC_METRICS_TOKEN', () => {
  it('is unset by default, which leaves /metrics open', () => {
    expect(loadConfig(SOAP_ENV).metricsToken).toBeUndefined();
  });

  it('reads a token of at least 32 characters', () => {
    const token = 'a'.repeat(32);
    expect(loadConfig({ ...SOAP_ENV, LEADSYNC_METRICS_TOKEN: token }).metricsToken).toBe(token);
  });

  it('names a short token without quoting it', () => {
    const error = configError({ ...SOAP_ENV, LEADSYNC_METRICS_TOKEN: 'short-secret' });

    expect(error.variable).toBe('LEADSYNC_METRICS_TOKEN');
    expect(error.message).toContain('LEADSYNC_METRICS_TOKEN is too short: it has 12 characters, expected at least 32.');
    expect(error.message).not.toContain('short-secret');
  });
});

describe('loadConfig secrets', () => {
  it('never prints the user id with a control character', () => {
    const error = configError({ ...SOAP_ENV, MARKETO_USER_ID: 'secret-user\u0001' });
    expect(error.message).not.toContain('secret-user');
  });

  it('never prints credential values in any error', () => {
    const secrets = { MARKETO_ENCRYPTION_KEY: 'key-9f8e7d6c', MARKETO_CLIENT_SECRET: 'secret-1a2b3c', MARKETO_USER_ID: 'user-5d4c3b' };
    const brokenEnvironments: Env[] = [
      { ...SOAP_ENV, ...secrets, MARKETO_API: 'nope' },
      { ...SOAP_ENV, ...secrets, MARKETO_MUNCHKIN_ID: 'bad' },
      { ...SOAP_ENV, ...secrets, ALLOWED_ORIGINS: 'bad' },
      { ...SOAP_ENV, ...secrets, MARKETO_SOAP_ENDPOINT: 'bad' },
      { ...SOAP_ENV, ...secrets, PORT: 'bad' },
      { ...REST_ENV, ...secrets, MARKETO_REST_ENDPOINT: 'bad' },
      { ...REST_ENV, ...secrets, MARKETO_CLIENT_ID: undefined },
    ];

    for (const env of brokenEnvironments) {
      const error = configError(env);
      for (const secret of Object.values(secrets)) expect(error.message).not.toContain(secret);
      expect(JSON.stringify(error)).not.toMatch(/key-9f8e|secret-1a2b|user-5d4c/);
    }
  });
});
