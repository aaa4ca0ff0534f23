import { describe, expect, it } from 'vitest';

import { checkMunchkinCookie } from './munchkin-cookie.js';

const MUNCHKIN_ID = '123-ABC-456';

describe('checkMunchkinCookie', () => {
  it.each([
    'id:123-ABC-456&token:_mch-example.test-1700000000000-12345',
    'id:123-ABC-456&token:_mch-my-site.example.co.uk-1374552656411-90718',
    'id:123-ABC-456&token:_mch-example.test-97bf4361ef4433921a6da262e8df45a0',
    'id:123-ABC-456&token:_mch-marketo.com-97bf4361ef4433921a6da262e8df45a',
  ])('associates %s', (cookie) => {
    expect(checkMunchkinCookie(cookie, MUNCHKIN_ID)).toEqual({ outcome: 'associated', cookie });
  });

  it('sends a lower-case Munchkin id in upper case', () => {
    const check = checkMunchkinCookie('id:123-abc-456&token:_mch-example.test-1700000000000-12346', '123-ABC-456');

    expect(check).toEqual({ outcome: 'associated', cookie: 'id:123-ABC-456&token:_mch-example.test-1700000000000-12346' });
  });

  it('trims surrounding whitespace', () => {
    const cookie = 'id:123-ABC-456&token:_mch-example.test-1700000000000-12345';
    expect(checkMunchkinCookie(` ${cookie} `, MUNCHKIN_ID)).toEqual({ outcome: 'associated', cookie });
  });

  it.each([undefined, null, '', '   ', 'undefined', 'null'])('reports %j as absent', (value) => {
    expect(checkMunchkinCookie(value, MUNCHKIN_ID)).toEqual({ outcome: 'absent' });
  });

  it('reports another instance and does not pass the cookie on', () => {
    expect(checkMunchkinCookie('id:561-HYG-937&token:_mch-example.test-1700000000000-12345', MUNCHKIN_ID)).toEqual({
      outcome: 'other_instance',
      instance: '561-HYG-937',
    });
  });

  it.each([
    ['a number', 42],
    ['an object', { id: '123-ABC-456' }],
    ['only a token', '_mch-example.test-1700000000000-12345'],
    ['a 4-digit random part', 'id:123-ABC-456&token:_mch-example.test-1700000000000-1234'],
    ['a 30-digit hex token', 'id:123-ABC-456&token:_mch-example.test-97bf4361ef4433921a6da262e8df45'],
    ['upper-case hex', 'id:123-ABC-456&token:_mch-example.test-97BF4361EF4433921A6DA262E8DF45A0'],
    ['an injected element', 'id:123-ABC-456&token:_mch-x</marketoCookie><Id>1</Id>-1700000000000-12345'],
    ['an oversized value', `id:123-ABC-456&token:_mch-${'a'.repeat(400)}.test-1700000000000-12345`],
    ['the documentation typo "tooken"', 'id:123-ABC-456&tooken:_mch-example.test-1700000000000-12345'],
  ])('reports %s as malformed', (_case, value) => {
    expect(checkMunchkinCookie(value, MUNCHKIN_ID)).toEqual({ outcome: 'malformed' });
  });
});
