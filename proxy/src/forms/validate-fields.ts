import { RequestError, ValidationError, type FieldProblem } from '../errors.js';
import { truncate } from '../text/truncate.js';
import type { FieldDefinition, FormDefinition } from './form-definition.js';

/** Validated, normalized values by field name. Only fields with a value are present. */
export type FieldValues = ReadonlyMap<string, string>;

// Control characters other than tab, line feed and carriage return; lone surrogates; U+FFFE and
// U+FFFF. None of them can be sent to Marketo in XML 1.0, and none belongs in a form value.
const FORBIDDEN_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|\p{Cs}/u;
// Line feed and carriage return, plus next line (U+0085), line separator (U+2028) and paragraph
// separator (U+2029), which Unicode (UAX #14) also treats as mandatory line breaks.
const LINE_BREAK = /[\r\n\u0085\u2028\u2029]/;

// No-break space (U+00A0) and narrow no-break space (U+202F), which a phone number copied from
// formatted text can contain, because French and other typography separates digit groups with them.
const NO_BREAK_SPACES = /[\u00A0\u202F]/g;

// The WHATWG HTML "valid e-mail address" syntax, plus a dot in the domain, because a lead's
// address must be reachable on the internet.
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

// Digits with the usual separators, an optional leading "+", and an optional extension ("x12", "ext. 12").
const TEL_PATTERN = /^\+?[0-9 ()./-]+(?:\s*(?:x|ext\.?)\s*[0-9]{1,6})?$/i;
const MIN_TEL_DIGITS = 3;

const CHECKED_VALUES: ReadonlyMap<unknown, boolean> = new Map<unknown, boolean>([
  [true, true],
  [false, false],
  ['true', true],
  ['false', false],
  // What an HTML checkbox without a value attribute submits.
  ['on', true],
]);

/**
 * Validates posted `fields` against the form and returns the normalized values.
 *
 * Strings are trimmed; empty optional fields are left out; a checkbox becomes "true" or "false".
 * Throws `RequestError` (`invalid_request`) when `fields` is not an object, and `ValidationError`
 * listing every unknown or invalid field otherwise. Keys such as `__proto__` or `constructor` are
 * plain unknown fields, because lookups go through a Map.
 */
export function validateFields(form: FormDefinition, fields: unknown): FieldValues {
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new RequestError('invalid_request', 400, 'The submission needs a "fields" object with the form values.');
  }

  const definitions = new Map(form.fields.map((field) => [field.name, field]));
  const posted = new Map(Object.entries(fields));
  const problems: FieldProblem[] = [];
  const values = new Map<string, string>();

  for (const name of posted.keys()) {
    if (!definitions.has(name)) {
      const shortName = truncate(name);
      problems.push({ name: shortName, code: 'unknown_field', message: `The form "${form.id}" has no field "${shortName}".` });
    }
  }

  for (const field of form.fields) {
    const result = validateField(field, posted.get(field.name));
    if (typeof result === 'object') problems.push({ name: field.name, code: 'invalid_field', message: result.problem });
    else if (result !== undefined) values.set(field.name, result);
  }

  if (problems.length > 0) throw new ValidationError(problems);
  return values;
}

type FieldResult = string | undefined | { problem: string };

function validateField(field: FieldDefinition, raw: unknown): FieldResult {
  if (field.type === 'checkbox') return validateCheckbox(field, raw);
  if (field.type === 'hidden' && raw === undefined && field.value !== undefined) return validateField(field, field.value);

  if (raw === undefined || raw === null) return requireValue(field);
  if (typeof raw !== 'string') return { problem: `${label(field)} must be a string, got ${typeName(raw)}.` };

  const value = field.type === 'tel' ? raw.replace(NO_BREAK_SPACES, ' ').trim() : raw.trim();
  if (value === '') return requireValue(field);

  return checkText(field, value) ?? checkType(field, value) ?? value;
}

function validateCheckbox(field: FieldDefinition, raw: unknown): FieldResult {
  if (raw === undefined || raw === null || raw === '') return field.required ? { problem: `${label(field)} must be checked.` } : undefined;

  const checked = CHECKED_VALUES.get(raw);
  if (checked === undefined) return { problem: `${label(field)} must be true or false, got ${typeName(raw)}.` };
  if (field.required && !checked) return { problem: `${label(field)} must be checked.` };

  return checked ? 'true' : 'false';
}

function requireValue(field: FieldDefinition): FieldResult {
  return field.required ? { problem: `${label(field)} is required.` } : undefined;
}

function checkText(field: FieldDefinition, value: string): { problem: string } | undefined {
  if (FORBIDDEN_CHARACTER.test(value)) {
    return { problem: `${label(field)} contains a control or invalid Unicode character; remove it.` };
  }
  if (field.type !== 'textarea' && LINE_BREAK.test(value)) {
    return { problem: `${label(field)} must be a single line.` };
  }

  // Limits count Unicode code points, so "🚀" is one character, as a visitor would count it.
  const length = [...value].length;
  if (field.maxLength !== undefined && length > field.maxLength) {
    return { problem: `${label(field)} is too long: at most ${field.maxLength} characters, got ${length}.` };
  }
  if (field.minLength !== undefined && length < field.minLength) {
    return { problem: `${label(field)} is too short: at least ${field.minLength} characters, got ${length}.` };
  }
  return undefined;
}

function checkType(field: FieldDefinition, value: string): { problem: string } | undefined {
  switch (field.type) {
    case 'email':
      return EMAIL_PATTERN.test(value) ? undefined : { problem: `${label(field)} is not a valid e-mail address.` };
    case 'tel':
      return isTelephoneNumber(value)
        ? undefined
        : { problem: `${label(field)} is not a valid phone number: use at least ${MIN_TEL_DIGITS} digits, spaces and + ( ) . / -, and optionally an extension such as "x12".` };
    case 'select':
      return field.options?.some((option) => option.value === value)
        ? undefined
        : { problem: `${label(field)} must be one of the listed options.` };
    default:
      return undefined;
  }
}

function isTelephoneNumber(value: string): boolean {
  if (!TEL_PATTERN.test(value)) return false;
  const digits = value.replace(/[^0-9]/g, '').length;
  return digits >= MIN_TEL_DIGITS;
}

function label(field: FieldDefinition): string {
  return `Field "${field.name}"`;
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}…` : value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
