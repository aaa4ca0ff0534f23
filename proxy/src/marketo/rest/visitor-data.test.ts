import { describe, expect, it } from 'vitest';

import { readVisitorData } from './visitor-data.js';

describe('readVisitorData', () => {
  it('splits the page URL and drops its fragment', () => {
    const visitor = readVisitorData({
      pageUrl: 'https://example.test/contact?utm_source=mail&utm_medium=email#form',
      userAgent: ' Mozilla/5.0 ',
      clientAddress: '203.0.113.7',
    });

    expect(visitor).toEqual({
      pageUrl: 'https://example.test/contact?utm_source=mail&utm_medium=email',
      queryString: 'utm_source=mail&utm_medium=email',
      userAgent: 'Mozilla/5.0',
      clientIp: '203.0.113.7',
    });
  });

  it('unwraps an IPv4-mapped IPv6 address', () => {
    expect(readVisitorData({ pageUrl: undefined, userAgent: undefined, clientAddress: '::ffff:198.51.100.4' })).toEqual({ clientIp: '198.51.100.4' });
  });

  it.each(['2001:db8::1', '256.1.1.1', 'localhost'])('leaves out the address %s', (clientAddress) => {
    expect(readVisitorData({ pageUrl: undefined, userAgent: undefined, clientAddress })).toEqual({});
  });

  it.each([42, 'javascript:alert(1)', 'not a url', `https://example.test/${'x'.repeat(2100)}`])('leaves out the page URL %s', (pageUrl) => {
    expect(readVisitorData({ pageUrl, userAgent: undefined, clientAddress: undefined })).toEqual({});
  });

  it('leaves out an empty query string', () => {
    expect(readVisitorData({ pageUrl: 'https://example.test/?', userAgent: undefined, clientAddress: undefined })).toEqual({ pageUrl: 'https://example.test/?' });
  });

  it('cuts a long user agent to 512 characters', () => {
    expect(readVisitorData({ pageUrl: undefined, userAgent: 'a'.repeat(600), clientAddress: undefined }).userAgent).toHaveLength(512);
  });
});
