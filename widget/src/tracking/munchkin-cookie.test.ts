import { afterEach, describe, expect, it } from 'vitest';
import { readMunchkinCookie } from './munchkin-cookie';

const expire = (name: string) => (document.cookie = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/`);

describe('readMunchkinCookie', () => {
  afterEach(() => ['_mkto_trk', 'other', 'mkto_opt_out'].forEach(expire));

  it('returns undefined when Munchkin set no cookie', () => {
    document.cookie = 'other=1; path=/';
    expect(readMunchkinCookie()).toBeUndefined();
  });

  it('decodes the value Munchkin writes with an encoded ampersand', () => {
    document.cookie = 'other=1; path=/';
    document.cookie = '_mkto_trk=id:123-ABC-456%26token:_mch-example.test-1700000000000-12345; path=/';
    expect(readMunchkinCookie()).toBe('id:123-ABC-456&token:_mch-example.test-1700000000000-12345');
  });

  it('reads the hex token format unchanged', () => {
    document.cookie = '_mkto_trk=id:561-HYG-937&token:_mch-marketo.com-97bf4361ef4433921a6da262e8df45aa; path=/';
    expect(readMunchkinCookie()).toBe('id:561-HYG-937&token:_mch-marketo.com-97bf4361ef4433921a6da262e8df45aa');
  });

  // The proxy, not the widget, decides whether the cookie belongs to its Marketo instance.
  it('returns cookies of other instances too', () => {
    document.cookie = '_mkto_trk=id:999-ZZZ-999%26token:_mch-example.test-1-00001; path=/';
    expect(readMunchkinCookie()).toBe('id:999-ZZZ-999&token:_mch-example.test-1-00001');
  });
});
