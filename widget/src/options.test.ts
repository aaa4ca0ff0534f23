import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './log';
import { DEFAULT_CLICK_IDS, resolveOptions } from './options';

describe('resolveOptions', () => {
  it('applies the defaults and trims the endpoint', () => {
    expect(resolveOptions({ endpoint: 'https://proxy.example.com/' }, createLogger(false))).toEqual({
      endpoint: 'https://proxy.example.com',
      locale: undefined,
      consent: 'granted',
      debug: false,
      submitNative: false,
      utmDefaults: {},
      clickIds: DEFAULT_CLICK_IDS,
      timeoutMs: 10_000,
      styleNonce: undefined
    });
  });

  it.each(['', 'proxy.example.com', '/relative', 'ftp://proxy.example.com'])('rejects the endpoint %j', (endpoint) => {
    expect(() => resolveOptions({ endpoint }, createLogger(false))).toThrow(`endpoint: expected an http(s) URL, got "${endpoint}"`);
  });

  it('reads an unknown consent mode as required and logs it', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const options = resolveOptions({ endpoint: 'https://p.example', consent: 'yes' as never }, createLogger(false));
    expect(options.consent).toBe('required');
    expect(error).toHaveBeenCalledWith('[leadsync] consent: expected "required" or "granted", got "yes"');
  });

  it('replaces an invalid timeout by the default and logs it', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(resolveOptions({ endpoint: 'https://p.example', timeoutMs: Number('soon') }, createLogger(false)).timeoutMs).toBe(10_000);
    expect(error).toHaveBeenCalledWith('[leadsync] timeout: expected milliseconds such as 10000, got "NaN"');
  });
});
