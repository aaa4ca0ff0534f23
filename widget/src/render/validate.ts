import { message } from '../messages';
import type { FieldDefinition, FieldError, FieldValue, Locale } from '../types';

/** Deliberately loose: one `@`, no spaces, a dot in the domain. The proxy has the final word. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks values against the definition before sending; returns errors in the order of the fields. */
export function validateFields(fields: FieldDefinition[], values: Record<string, FieldValue>, locale: Locale): FieldError[] {
  const errors: FieldError[] = [];

  for (const field of fields) {
    const code = findProblem(field, values[field.name]);
    if (code) errors.push({ name: field.name, code, message: fieldErrorText({ name: field.name, code, message: '' }, field, locale) });
  }
  return errors;
}

function findProblem(field: FieldDefinition, value: FieldValue | undefined): string | undefined {
  if (typeof value !== 'string') return field.required && !value ? 'required' : undefined;
  if (field.type === 'email' && !EMAIL_PATTERN.test(value)) return 'invalid_email';
  if (value.length > (field.maxLength ?? Infinity)) return 'too_long';
  if (value.length < (field.minLength ?? 0)) return 'too_short';
  return undefined;
}

/**
 * Returns the text to show for a field error. Codes the widget has texts for get them in the
 * visitor's language; other codes keep the proxy's message, which the proxy keeps safe to show.
 */
export function fieldErrorText(error: FieldError, field: FieldDefinition | undefined, locale: Locale): string {
  const { code } = error;
  const limit = code === 'too_long' ? field?.maxLength : field?.minLength;
  const known = code === 'required' || code === 'invalid_email' || (/^too_(long|short)$/.test(code) && limit);
  return known ? message(locale, code as 'required', limit) : error.message;
}
