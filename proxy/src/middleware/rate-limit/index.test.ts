import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import { RateLimitError } from '../../errors.js';
import { MetricsRegistry } from '../../observability/metrics.js';
import { MemoryStore } from '../../stores/memory-store.js';
import { emailRateLimitKey, rateLimit, RateLimiter } from './index.js';

describe('RateLimiter', () => {
  it('allows the limit, then rejects with Retry-After until the window ends', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ now: () => now });
    const rejected = new MetricsRegistry().counter('r_total', 'R.', ['scope']);
    const limiter = new RateLimiter({ store, scope: 'address', limit: 2, windowMs: 60_000, rejected });

    await limiter.hit('203.0.113.9', now);
    await limiter.hit('203.0.113.9', now);
    now += 15_000;
    const error = await limiter.hit('203.0.113.9', now).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).status).toBe(429);
    expect((error as RateLimitError).code).toBe('rate_limited');
    expect((error as RateLimitError).retryAfterSeconds).toBe(45);
    expect(rejected.value({ scope: 'address' })).toBe(1);
  });

  it('counts keys and scopes separately', async () => {
    const store = new MemoryStore();
    const byAddress = new RateLimiter({ store, scope: 'address', limit: 1, windowMs: 60_000 });
    const byEmail = new RateLimiter({ store, scope: 'email', limit: 1, windowMs: 60_000 });

    await byAddress.hit('a');
    await byAddress.hit('b');
    await byEmail.hit('a');

    await expect(byAddress.hit('a')).rejects.toBeInstanceOf(RateLimitError);
  });

  it('turns off with limit 0', async () => {
    const limiter = new RateLimiter({ store: new MemoryStore(), scope: 'email', limit: 0, windowMs: 1000 });

    for (let index = 0; index < 5; index += 1) await limiter.hit('a');
  });
});

describe('rateLimit middleware', () => {
  it('throws for a key over its limit and passes requests without a key', async () => {
    const limiter = new RateLimiter({ store: new MemoryStore(), scope: 'address', limit: 1, windowMs: 60_000 });
    const app = new Hono<{ Variables: { clientAddress?: string } }>();
    app.use(rateLimit(limiter, (c) => c.req.header('X-Key')));
    app.get('/', (c) => c.text('ok'));
    app.onError((error, c) => c.text(error.name, error instanceof RateLimitError ? 429 : 500));

    expect((await app.request('/', { headers: { 'X-Key': 'a' } })).status).toBe(200);
    expect((await app.request('/', { headers: { 'X-Key': 'a' } })).status).toBe(429);
    expect((await app.request('/')).status).toBe(200);
    expect((await app.request('/')).status).toBe(200);
  });
});

describe('emailRateLimitKey', () => {
  it('hashes the trimmed, lower-cased address', async () => {
    const key = await emailRateLimitKey(' Ana@Example.test ');

    expect(key).toBe(await emailRateLimitKey('ana@example.test'));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain('ana');
  });
});
