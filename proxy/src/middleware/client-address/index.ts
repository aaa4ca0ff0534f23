import type { Context, MiddlewareHandler } from 'hono';

import type { TrustedProxyHeader } from '../../config.js';

/** Reads the peer address from the runtime, e.g. the Node socket; undefined when it has none. */
export type RuntimeAddressReader = (c: Context) => string | undefined;

export interface ClientAddressOptions {
  /** Default: no runtime address, as under `app.request()`. */
  runtimeAddress?: RuntimeAddressReader;
  /** Header to take the address from instead of the runtime. Default: none, because any client can send these headers. */
  trustedHeader?: TrustedProxyHeader | undefined;
}

export type ClientAddressEnv = { Variables: { clientAddress?: string } };

// Digits, hex letters, dots and colons: IPv4, IPv6 and IPv4-mapped IPv6, with an optional zone id.
const IP_ADDRESS = /^(?:[0-9]{1,3}(?:\.[0-9]{1,3}){3}|[0-9A-Fa-f:.]{2,45}(?:%[0-9A-Za-z._-]{1,32})?)$/;

/**
 * Sets `c.var.clientAddress` to the address the request came from.
 *
 * By default that is the runtime's peer address. Behind a reverse proxy every request comes from
 * the proxy, so the operator names the header that proxy sets: `cf-connecting-ip` (Cloudflare)
 * or `x-forwarded-for`. Of `X-Forwarded-For` the last entry is used, because the proxy in front
 * added it and the client cannot forge it. A header that is missing or malformed falls back to
 * the runtime address.
 */
export function clientAddress(options: ClientAddressOptions = {}): MiddlewareHandler<ClientAddressEnv> {
  const readRuntime = options.runtimeAddress ?? (() => undefined);
  const trustedHeader = options.trustedHeader;

  return async function clientAddress(c, next) {
    const fromHeader = trustedHeader === undefined ? undefined : readTrustedHeader(c.req.header(trustedHeader), trustedHeader);
    const address = fromHeader ?? readRuntime(c);
    if (address !== undefined) c.set('clientAddress', address);
    await next();
  };
}

function readTrustedHeader(value: string | undefined, header: TrustedProxyHeader): string | undefined {
  if (value === undefined) return undefined;
  const candidate = header === 'x-forwarded-for' ? value.split(',').at(-1)?.trim() : value.trim();
  return candidate !== undefined && IP_ADDRESS.test(candidate) ? candidate : undefined;
}

/**
 * Returns the rate-limit key of an address: an IPv4 address as is (also when mapped into
 * IPv6), an IPv6 address as its /64 prefix, because one subscriber usually gets a whole /64
 * and could otherwise rotate addresses within it.
 */
export function addressRateLimitKey(address: string): string {
  const withoutZone = address.split('%')[0]!.toLowerCase();
  const mapped = /^::ffff:([0-9]{1,3}(?:\.[0-9]{1,3}){3})$/.exec(withoutZone);
  if (mapped !== null) return mapped[1]!;
  if (!withoutZone.includes(':')) return withoutZone;

  return `${expandIpv6(withoutZone).slice(0, 4).join(':')}::/64`;
}

/** Expands `::` so the address has eight hextets; an embedded IPv4 tail counts as two. */
function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const ipv4Tail = tailParts.at(-1)?.includes('.') === true ? 1 : 0;
  const missing = Math.max(0, 8 - headParts.length - tailParts.length - ipv4Tail);
  const parts = tail === undefined ? headParts : [...headParts, ...new Array<string>(missing).fill('0'), ...tailParts];
  return parts.map((part) => part.replace(/^0+(?=.)/, ''));
}
