import { afterEach, describe, expect, it } from 'vitest';
import { localeFor, pickLocale, translate } from './locale';

describe('pickLocale', () => {
  it.each([
    ['de', 'de'],
    ['de-AT', 'de'],
    ['DE-ch', 'de'],
    ['de_CH', 'de'],
    ['en-GB', 'en'],
    ['fr', 'en'],
    ['', 'en'],
    [undefined, 'en'],
    [null, 'en']
  ])('maps %j to %s', (tag, expected) => {
    expect(pickLocale(tag)).toBe(expected);
  });
});

describe('localeFor', () => {
  afterEach(() => {
    document.documentElement.removeAttribute('lang');
    document.body.innerHTML = '';
  });

  it('prefers the configured locale', () => {
    document.documentElement.lang = 'en';
    expect(localeFor(document.body, 'de-AT')).toBe('de');
  });

  it('falls back to the html lang', () => {
    document.documentElement.lang = 'de-DE';
    expect(localeFor(document.body, undefined)).toBe('de');
  });

  it('uses the nearest lang attribute', () => {
    document.documentElement.lang = 'en';
    document.body.innerHTML = '<section lang="de"><div id="form"></div></section>';
    expect(localeFor(document.getElementById('form')!, undefined)).toBe('de');
  });

  it('defaults to English without any lang', () => {
    expect(localeFor(document.body, undefined)).toBe('en');
  });
});

describe('translate', () => {
  it('returns the text for the locale', () => {
    expect(translate({ en: 'Send', de: 'Senden' }, 'de')).toBe('Senden');
  });

  it('falls back to English, then to any text', () => {
    expect(translate({ en: 'Send' }, 'de')).toBe('Send');
    expect(translate({ de: 'Senden' }, 'en')).toBe('Senden');
  });

  it('passes plain strings and undefined through', () => {
    expect(translate('Send', 'de')).toBe('Send');
    expect(translate(undefined, 'de')).toBeUndefined();
  });
});
