import type { Locale } from './types';

/** Visitor-facing texts. `{n}` stands for a length limit. */
const en = {
  submit: 'Send',
  sending: 'Sending…',
  sent: 'Thank you! Your message has been sent.',
  waiting: 'Sending is delayed. Your message is saved and will be sent automatically.',
  failed: 'Sending failed. Please try again.',
  fix: 'Please correct the marked fields.',
  unavailable: 'The form could not be loaded.',
  check: 'Please check this entry.',
  required: 'Please fill in this field.',
  invalid_email: 'Please enter a valid email address.',
  too_long: 'Please use at most {n} characters.',
  too_short: 'Please use at least {n} characters.'
};

const de: typeof en = {
  submit: 'Senden',
  sending: 'Wird gesendet…',
  sent: 'Vielen Dank! Ihre Nachricht wurde gesendet.',
  waiting: 'Das Senden verzögert sich. Ihre Nachricht ist gespeichert und wird automatisch gesendet.',
  failed: 'Senden fehlgeschlagen. Bitte versuchen Sie es erneut.',
  fix: 'Bitte korrigieren Sie die markierten Felder.',
  unavailable: 'Das Formular konnte nicht geladen werden.',
  check: 'Bitte prüfen Sie diese Eingabe.',
  required: 'Bitte füllen Sie dieses Feld aus.',
  invalid_email: 'Bitte geben Sie eine gültige E-Mail-Adresse ein.',
  too_long: 'Bitte verwenden Sie höchstens {n} Zeichen.',
  too_short: 'Bitte verwenden Sie mindestens {n} Zeichen.'
};

export const MESSAGES: Record<Locale, typeof en> = { en, de };

export type MessageKey = keyof typeof en;

/** Returns the text for `key` in `locale`, with `{n}` replaced. */
export function message(locale: Locale, key: MessageKey, n?: number): string {
  return MESSAGES[locale][key].replace('{n}', String(n));
}
