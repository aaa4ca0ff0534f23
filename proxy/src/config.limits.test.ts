import { describe, expect, it } from 'vitest';

import { loadConfig, type Env } from './config.js';
import { ConfigError } from './errors.js';

const ENV: Env = {
  MARKETO_API: 'soap',
  MARKETO_SOAP_ENDPOINT: 'http://127.0.0.1:8790/soap/mktows/2_9',
  MARKETO_USER_ID: 'leadsync_demo_1A2B3C4D5E6F',
  MARKETO_ENCRYPTION_KEY: 'demo-encryption-key',
  MARKETO_MUNCHKIN_ID: '123-ABC-456',
  ALLOWED_ORIGINS: 'http://127.0.0.1:5173',
};

function configError(env: Env): ConfigError {
  try {
    loadConfig({ ...ENV, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig abuse settings', () => {
  it('applies the defaults', () => {
    expect(loadConfig(ENV).abuse).toEqual({
      rateLimitPerAddress: 60,
      rateLimitPerEmail: 5,
      rateLimitWindowSeconds: 600,
      trustedProxyHeader: undefined,
      minFillMsOverride: undefined,
      turnstile: undefined,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...ENV,
      RATE_LIMIT_PER_ADDRESS: '0',
      RATE_LIMIT_PER_EMAIL: '3',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      TRUST_PROXY_HEADERS: 'CF-Connecting-IP',
      LEADSYNC_MIN_FILL_MS: '0',
      TURNSTILE_SECRET_KEY: '0x4AAAAAAA-secret',
    });

    expect(config.abuse).toEqual({
      rateLimitPerAddress: 0,
      rateLimitPerEmail: 3,
      rateLimitWindowSeconds: 60,
      trustedProxyHeader: 'cf-connecting-ip',
      minFillMsOverride: 0,
      turnstile: { secretKey: '0x4AAAAAAA-secret', verifyUrl: 'https://challenges.cloudflare.com/turnstile/v0/siteverify' },
    });
  });

  it('takes a local TURNSTILE_VERIFY_URL', () => {
    const config = loadConfig({ ...ENV, TURNSTILE_SECRET_KEY: 'secret', TURNSTILE_VERIFY_URL: 'http://127.0.0.1:9999/siteverify' });

    expect(config.abuse.turnstile?.verifyUrl).toBe('http://127.0.0.1:9999/siteverify');
  });

  it.each([
    [{ RATE_LIMIT_PER_ADDRESS: 'ten' }, 'RATE_LIMIT_PER_ADDRESS', 'RATE_LIMIT_PER_ADDRESS is invalid: expected an integer from 0 to 1000000, got "ten". Unset it to use 60.'],
    [{ RATE_LIMIT_PER_EMAIL: '-1' }, 'RATE_LIMIT_PER_EMAIL', 'RATE_LIMIT_PER_EMAIL is invalid'],
    [{ RATE_LIMIT_WINDOW_SECONDS: '0' }, 'RATE_LIMIT_WINDOW_SECONDS', 'expected an integer from 1 to 86400'],
    [{ LEADSYNC_MIN_FILL_MS: '1.5' }, 'LEADSYNC_MIN_FILL_MS', 'LEADSYNC_MIN_FILL_MS is invalid'],
    [{ TRUST_PROXY_HEADERS: 'true' }, 'TRUST_PROXY_HEADERS', 'expected "cf-connecting-ip" (behind Cloudflare) or "x-forwarded-for" (behind one reverse proxy), got "true"'],
    [{ TURNSTILE_VERIFY_URL: 'http://127.0.0.1:1/' }, 'TURNSTILE_SECRET_KEY', 'TURNSTILE_VERIFY_URL is set but TURNSTILE_SECRET_KEY is missing'],
    [{ TURNSTILE_SECRET_KEY: 's', TURNSTILE_VERIFY_URL: 'ftp://x' }, 'TURNSTILE_VERIFY_URL', 'TURNSTILE_VERIFY_URL is not an http(s) URL'],
  ])('rejects %j naming the variable', (env, variable, message) => {
    const error = configError(env);

    expect(error.variable).toBe(variable);
    expect(error.message).toContain(message);
  });

  it('never quotes the Turnstile secret', () => {
    const error = configError({ TURNSTILE_SECRET_KEY: 'top-secret\nvalue' });

    expect(error.variable).toBe('TURNSTILE_SECRET_KEY');
    expect(error.message).not.toContain('top-secret');
  });
});

describe('loadConfig delivery settings', () => {
  it('applies Marketo limits and the budgets by default', () => {
    expect(loadConfig(ENV).delivery).toEqual({ maxConcurrentCalls: 10, maxCallsPer20Seconds: 100, dailyQuota: 10_000, queueTimeoutMs: 5000, deliveryTimeoutMs: 30_000 });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      ...ENV,
      MARKETO_MAX_CONCURRENT_CALLS: '5',
      MARKETO_MAX_CALLS_PER_20S: '50',
      MARKETO_DAILY_QUOTA: '40000',
      LEADSYNC_QUEUE_TIMEOUT_MS: '2000',
      LEADSYNC_DELIVERY_TIMEOUT_MS: '15000',
    });

    expect(config.delivery).toEqual({ maxConcurrentCalls: 5, maxCallsPer20Seconds: 50, dailyQuota: 40_000, queueTimeoutMs: 2000, deliveryTimeoutMs: 15_000 });
  });

  it.each([
    [{ MARKETO_MAX_CONCURRENT_CALLS: '0' }, 'MARKETO_MAX_CONCURRENT_CALLS'],
    [{ MARKETO_MAX_CALLS_PER_20S: '1e3' }, 'MARKETO_MAX_CALLS_PER_20S'],
    [{ MARKETO_DAILY_QUOTA: '-1' }, 'MARKETO_DAILY_QUOTA'],
    [{ LEADSYNC_QUEUE_TIMEOUT_MS: '5s' }, 'LEADSYNC_QUEUE_TIMEOUT_MS'],
    [{ LEADSYNC_DELIVERY_TIMEOUT_MS: '500' }, 'LEADSYNC_DELIVERY_TIMEOUT_MS'],
  ])('rejects %j naming the variable', (env, variable) => {
    const error = configError(env);

    expect(error.variable).toBe(variable);
    expect(error.message).toContain(`${variable} is invalid: expected an integer`);
  });
});
