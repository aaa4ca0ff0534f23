import type { Locale, LocalizedText } from './types';

/** Maps a language tag to a supported locale: `de-AT` → `de`; anything unknown → `en`. */
export function pickLocale(tag: string | null | undefined): Locale {
  return tag?.trim().toLowerCase().split(/[-_]/)[0] === 'de' ? 'de' : 'en';
}

/** Chooses the locale of one form: the configured one, else the nearest `lang` attribute, else `en`. */
export function localeFor(element: Element, configured: string | undefined): Locale {
  return pickLocale(configured || element.closest('[lang]')?.getAttribute('lang'));
}

/** Returns the text for `locale`, falling back to English, then to any text given. */
export function translate(text: LocalizedText | undefined, locale: Locale): string | undefined {
  if (typeof text !== 'object') return text;
  return text[locale] ?? text.en ?? Object.values(text)[0];
}
