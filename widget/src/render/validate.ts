import { message, type MessageKey } from '../messages';
import type { FieldDefinition, FieldError, FieldValue, Locale } from '../types';

/** Deliberately loose: one `@`, no spaces, a dot in the domain. The proxy has the final word. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks values against the definition before sending; returns errors in the order of the fields. */
export function validateFields(fields: FieldDefinition[], values: Record<string, FieldValue>, locale: Locale): FieldError[] {
  return fields.flatMap((field) => {
    const code = findProblem(field, values[field.name]);
    return code ? [{ name: field.name, code, message: fieldErrorText({ code }, field, locale) }] : [];
  });
}

function findProblem(field: FieldDefinition, value: FieldValue | undefined): string | undefined {
  if (typeof value !== 'string') return field.required && !value ? 'required' : undefined;
  if (field.type === 'email' && !EMAIL_PATTERN.test(value)) return 'invalid_email';
  if (value.length > (field.maxLength ?? Infinity)) return 'too_long';
  if (value.length < (field.minLength ?? 0)) return 'too_short';
  return undefined;
}

/**
 * Returns the visitor-facing text for a field error in the visitor's language. The proxy's own
 * messages are English and name fields by their internal names, so codes without a text of their
 * own (such as the proxy's `invalid_field`) get a general request to check the entry.
 */
export function fieldErrorText({ code }: Pick<FieldError, 'code'>, field: FieldDefinition | undefined, locale: Locale): string {
  const limit = code === 'too_long' ? field?.maxLength : field?.minLength;
  const specific = code === 'required' || code === 'invalid_email' || (/^too_(long|short)$/.test(code) && limit);
  return message(locale, specific ? (code as MessageKey) : 'check', limit);
}
