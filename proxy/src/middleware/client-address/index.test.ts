import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

import type { TrustedProxyHeader } from '../../config.js';
import { addressRateLimitKey, clientAddress, type ClientAddressEnv } from './index.js';

function appWith(trustedHeader?: TrustedProxyHeader, runtime = '10.0.0.1') {
  const app = new Hono<ClientAddressEnv>();
  app.use(clientAddress({ runtimeAddress: () => runtime, trustedHeader }));
  app.get('/', (c) => c.text(c.get('clientAddress') ?? 'none'));
  return app;
}

async function addressOf(app: ReturnType<typeof appWith>, headers: Record<string, string> = {}): Promise<string> {
  return (await app.request('/', { headers })).text();
}

describe('clientAddress', () => {
  it('uses the runtime address by default', async () => {
    expect(await addressOf(appWith())).toBe('10.0.0.1');
  });

  it('ignores proxy headers unless trusted', async () => {
    const app = appWith();

    expect(await addressOf(app, { 'CF-Connecting-IP': '203.0.113.9', 'X-Forwarded-For': '203.0.113.10' })).toBe('10.0.0.1');
  });

  it('reads CF-Connecting-IP when trusted', async () => {
    expect(await addressOf(appWith('cf-connecting-ip'), { 'CF-Connecting-IP': '2001:db8::1' })).toBe('2001:db8::1');
  });

  it('takes the last X-Forwarded-For entry when trusted', async () => {
    const app = appWith('x-forwarded-for');

    expect(await addressOf(app, { 'X-Forwarded-For': '198.51.100.7, 203.0.113.10' })).toBe('203.0.113.10');
  });

  it('falls back to the runtime for a malformed header', async () => {
    const app = appWith('x-forwarded-for');

    expect(await addressOf(app, { 'X-Forwarded-For': 'evil<script>' })).toBe('10.0.0.1');
    expect(await addressOf(app)).toBe('10.0.0.1');
  });

  it('leaves the address unset without runtime or header', async () => {
    const app = new Hono<ClientAddressEnv>();
    app.use(clientAddress());
    app.get('/', (c) => c.text(c.get('clientAddress') ?? 'none'));

    expect(await (await app.request('/')).text()).toBe('none');
  });
});

describe('addressRateLimitKey', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:aa:bb:1:2:3:4', '2001:db8:aa:bb::/64'],
    ['2001:db8:aa:bb::9', '2001:db8:aa:bb::/64'],
    ['2001:DB8:00aa:0bb::9%eth0', '2001:db8:aa:bb::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b:1:2::192.0.2.1', '64:ff9b:1:2::/64'],
  ])('keys %s as %s', (address, key) => {
    expect(addressRateLimitKey(address)).toBe(key);
  });
});
