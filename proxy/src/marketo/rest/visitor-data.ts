import type { VisitorData } from '../transport.js';

export interface VisitorSource {
  /** `context.pageUrl` as the widget posted it; anything but an http(s) URL is ignored. */
  pageUrl: unknown;
  /** The request's `User-Agent` header. */
  userAgent: string | undefined;
  /** The client address the proxy determined, IPv4 or IPv6. */
  clientAddress: string | undefined;
}

// Maximum page URL and user agent lengths passed on. Longer values are dropped or cut, not
// rejected, because visitor data only enriches the lead.
const MAX_URL_LENGTH = 2048;
const MAX_USER_AGENT_LENGTH = 512;

const IPV4_PATTERN = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
// Node reports IPv4 clients of a dual-stack socket as IPv4-mapped IPv6 addresses.
const IPV4_MAPPED_PREFIX = '::ffff:';

/**
 * Builds Submit Form's visitor data from the submission: the page URL without its fragment,
 * that page's query string (which carries the UTM parameters), the user agent, and the client
 * address when it is IPv4, the only form Marketo's `leadClientIpAddress` takes. Parts that are
 * missing or malformed are left out.
 */
export function readVisitorData(source: VisitorSource): VisitorData {
  const visitor: VisitorData = {};

  const page = parsePageUrl(source.pageUrl);
  if (page !== undefined) {
    page.hash = '';
    visitor.pageUrl = page.href;
    if (page.search.length > 1) visitor.queryString = page.search.slice(1);
  }

  const userAgent = source.userAgent?.trim();
  if (userAgent) visitor.userAgent = userAgent.slice(0, MAX_USER_AGENT_LENGTH);

  const address = source.clientAddress?.startsWith(IPV4_MAPPED_PREFIX) ? source.clientAddress.slice(IPV4_MAPPED_PREFIX.length) : source.clientAddress;
  if (address !== undefined && IPV4_PATTERN.test(address)) visitor.clientIp = address;

  return visitor;
}

function parsePageUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
