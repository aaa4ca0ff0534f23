import type { Locale } from './types';

/** Visitor-facing texts, English then German. `{n}` stands for a length limit. */
export const MESSAGES = {
  submit: ['Send', 'Senden'],
  sending: ['Sending…', 'Wird gesendet…'],
  sent: ['Thank you! Your message has been sent.', 'Vielen Dank! Ihre Nachricht wurde gesendet.'],
  waiting: [
    'Sending is delayed. Your message is saved and will be sent automatically.',
    'Das Senden verzögert sich. Ihre Nachricht ist gespeichert und wird automatisch gesendet.'
  ],
  failed: ['Sending failed. Please try again.', 'Senden fehlgeschlagen. Bitte versuchen Sie es erneut.'],
  fix: ['Please correct the marked fields.', 'Bitte korrigieren Sie die markierten Felder.'],
  unavailable: ['The form could not be loaded.', 'Das Formular konnte nicht geladen werden.'],
  check: ['Please check this entry.', 'Bitte prüfen Sie diese Eingabe.'],
  required: ['Please fill in this field.', 'Bitte füllen Sie dieses Feld aus.'],
  invalid_email: ['Please enter a valid email address.', 'Bitte geben Sie eine gültige E-Mail-Adresse ein.'],
  too_long: ['Please use at most {n} characters.', 'Bitte verwenden Sie höchstens {n} Zeichen.'],
  too_short: ['Please use at least {n} characters.', 'Bitte verwenden Sie mindestens {n} Zeichen.']
} satisfies Record<string, [en: string, de: string]>;

export type MessageKey = keyof typeof MESSAGES;

/** Returns the text for `key` in `locale`, with `{n}` replaced. */
export function message(locale: Locale, key: MessageKey, n?: number): string {
  return MESSAGES[key][locale === 'de' ? 1 : 0].replace('{n}', String(n));
}
