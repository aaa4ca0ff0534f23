import type { MarketoApi } from '../config.js';
import { FormsConfigError } from '../errors.js';
import { restNameForSoapName } from '../marketo/rest/field-names.js';
import { DEFAULT_REST_DELIVERY, type RestDelivery } from '../marketo/transport.js';
import {
  FIELD_TYPES,
  type FieldDefinition,
  type FieldOption,
  type FieldType,
  type FormCatalog,
  type FormDefinition,
  type LocalizedText,
  type MarketoFieldNames,
} from './form-definition.js';

export interface ParseFormsOptions {
  /** The active Marketo API; every field must name its Marketo field for it. */
  api: MarketoApi;
  /** File name shown in errors. */
  source?: string;
}

/**
 * Default `maxLength` per type when a field sets none. 254 is the longest address that fits
 * SMTP's 256-octet path limit (RFC 5321 §4.5.3.1.3) once the angle brackets are counted.
 */
const DEFAULT_MAX_LENGTH: Partial<Record<FieldType, number>> = {
  email: 254,
  text: 255,
  tel: 40,
  textarea: 5000,
  hidden: 255,
};

const FORM_KEYS = ['id', 'title', 'submitLabel', 'successMessage', 'onSuccess', 'minFillMs', 'fields', 'marketo'];

/**
 * Default `minFillMs`. Typing even an e-mail address and pressing a button takes a person
 * longer than 1.5 s, while scripts usually post within milliseconds of loading the page.
 */
export const DEFAULT_MIN_FILL_MS = 1_500;
// Ten minutes. A larger value is almost certainly a unit mistake and would flag every visitor.
const MAX_MIN_FILL_MS = 600_000;
const REST_DELIVERY_MODES = ['syncLeads', 'submitForm'];

// REST lead fields a form must not write. `cookies` would store the Munchkin token without the
// visitor's anonymous history; `id` is system-managed and only valid for updateOnly.
const RESERVED_REST_NAMES: ReadonlyMap<string, string> = new Map([
  ['cookies', 'the proxy sends the cookie through Associate Lead or Submit Form, and writing the "cookies" field directly drops the visitor\'s anonymous history'],
  ['id', 'the lead id is system-managed and Sync Leads accepts it only for updateOnly'],
]);
const MAX_INT32 = 2_147_483_647;
const FIELD_KEYS = [
  'name',
  'type',
  'required',
  'label',
  'help',
  'placeholder',
  'minLength',
  'maxLength',
  'autocomplete',
  'options',
  'value',
  'marketo',
];

// Ids and names appear in URLs and JSON keys, so they are plain ASCII words; `__proto__` cannot match.
const FORM_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const FIELD_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const MARKETO_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
const LOCALE_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const AUTOCOMPLETE_PATTERN = /^[a-z0-9-]+( [a-z0-9-]+)*$/;

/**
 * Validates a parsed forms document (`{"forms": [...]}`) and returns the forms by id.
 *
 * Throws `FormsConfigError` naming the file, the form, the field and the fix. Unknown keys are
 * rejected, so a misspelled `"requried"` cannot silently make a field optional.
 */
export function parseForms(document: unknown, options: ParseFormsOptions): FormCatalog {
  const source = options.source ?? 'forms configuration';
  const root = new Location(source);

  const object = root.object(document);
  root.rejectUnknownKeys(object, ['$schema', 'forms']);
  const forms = root.child('"forms"').array(object.forms);
  if (forms.length === 0) root.fail('"forms" is empty; add at least one form.');

  const catalog = new Map<string, FormDefinition>();
  forms.forEach((value, index) => {
    const form = parseForm(value, root.child(`form #${index + 1}`), options.api);
    if (catalog.has(form.id)) root.fail(`form id "${form.id}" appears twice; give each form its own id.`);
    catalog.set(form.id, form);
  });

  return catalog;
}

function parseForm(value: unknown, location: Location, api: MarketoApi): FormDefinition {
  const object = location.object(value);
  const id = location.child('"id"').pattern(object.id, FORM_ID_PATTERN, 'letters, digits, "-" and "_", at most 64');
  const formLocation = location.withName(`form "${id}"`);
  formLocation.rejectUnknownKeys(object, FORM_KEYS);

  const fieldValues = formLocation.child('"fields"').array(object.fields);
  if (fieldValues.length === 0) formLocation.fail('"fields" is empty; add at least one field.');
  const fields = fieldValues.map((field, index) => parseField(field, formLocation.child(`field #${index + 1}`), api));
  checkUnique(fields, formLocation, api);
  const marketo = parseRestDelivery(object.marketo, formLocation.child('"marketo"'));
  if (api === 'rest') checkRestKey(marketo, fields, formLocation);

  return {
    id,
    ...optional('title', parseLocalizedOrUndefined(object.title, formLocation.child('"title"'))),
    ...optional('submitLabel', parseLocalizedOrUndefined(object.submitLabel, formLocation.child('"submitLabel"'))),
    ...optional('successMessage', parseLocalizedOrUndefined(object.successMessage, formLocation.child('"successMessage"'))),
    ...optional('onSuccess', parseOnSuccess(object.onSuccess, formLocation.child('"onSuccess"'))),
    minFillMs: parseMinFillMs(object.minFillMs, formLocation.child('"minFillMs"')),
    fields,
    marketo,
  };
}

function parseMinFillMs(value: unknown, location: Location): number {
  if (value === undefined) return DEFAULT_MIN_FILL_MS;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_MIN_FILL_MS) return value;
  return location.fail(`must be the fewest milliseconds a person needs to fill in the form, an integer from 0 to ${MAX_MIN_FILL_MS}, got ${describe(value)}.`);
}

function parseField(value: unknown, location: Location, api: MarketoApi): FieldDefinition {
  const object = location.object(value);
  const name = location.child('"name"').pattern(object.name, FIELD_NAME_PATTERN, 'a letter, then letters, digits, "-" or "_", at most 64');
  const fieldLocation = location.withName(`field "${name}"`);
  fieldLocation.rejectUnknownKeys(object, FIELD_KEYS);

  const type = parseType(object.type, fieldLocation.child('"type"'));
  const required = object.required === undefined ? false : fieldLocation.child('"required"').boolean(object.required);
  const lengths = parseLengths(object, type, fieldLocation);

  return {
    name,
    type,
    required,
    label: parseLocalized(object.label, fieldLocation.child('"label"')),
    ...optional('help', parseLocalizedOrUndefined(object.help, fieldLocation.child('"help"'))),
    ...optional('placeholder', parseLocalizedOrUndefined(object.placeholder, fieldLocation.child('"placeholder"'))),
    ...lengths,
    ...optional('autocomplete', parseAutocomplete(object.autocomplete, fieldLocation.child('"autocomplete"'))),
    ...optional('options', parseOptions(object.options, type, fieldLocation.child('"options"'))),
    ...optional('value', parseHiddenValue(object.value, type, fieldLocation.child('"value"'))),
    marketo: parseMarketoNames(object.marketo, fieldLocation.child('"marketo"'), api),
  };
}

function parseType(value: unknown, location: Location): FieldType {
  if ((FIELD_TYPES as readonly unknown[]).includes(value)) return value as FieldType;
  return location.fail(`must be one of ${FIELD_TYPES.join(', ')}, got ${describe(value)}.`);
}

function parseLengths(object: Record<string, unknown>, type: FieldType, location: Location): { minLength?: number; maxLength?: number } {
  const defaultMax = DEFAULT_MAX_LENGTH[type];
  if (defaultMax === undefined) {
    if (object.minLength !== undefined || object.maxLength !== undefined) {
      location.fail(`"minLength" and "maxLength" apply only to text-like fields, not to type "${type}"; remove them.`);
    }
    return {};
  }

  const maxLength = object.maxLength === undefined ? defaultMax : location.child('"maxLength"').positiveInteger(object.maxLength);
  const minLength = object.minLength === undefined ? undefined : location.child('"minLength"').positiveInteger(object.minLength);
  if (minLength !== undefined && minLength > maxLength) {
    location.fail(`"minLength" (${minLength}) is greater than "maxLength" (${maxLength}); lower "minLength".`);
  }

  return { maxLength, ...optional('minLength', minLength) };
}

function parseOptions(value: unknown, type: FieldType, location: Location): FieldOption[] | undefined {
  if (type !== 'select') {
    if (value !== undefined) location.fail(`applies only to type "select"; remove it or change the type.`);
    return undefined;
  }

  const items = location.array(value);
  if (items.length === 0) location.fail('is empty; a select field needs at least one option.');

  const seen = new Set<string>();
  return items.map((item, index) => {
    const optionLocation = location.child(`option #${index + 1}`);
    const object = optionLocation.object(item);
    optionLocation.rejectUnknownKeys(object, ['value', 'label']);
    const optionValue = optionLocation.child('"value"').nonEmptyString(object.value);
    if (seen.has(optionValue)) optionLocation.fail(`value "${optionValue}" appears twice; give each option its own value.`);
    seen.add(optionValue);
    return { value: optionValue, label: parseLocalized(object.label, optionLocation.child('"label"')) };
  });
}

function parseHiddenValue(value: unknown, type: FieldType, location: Location): string | undefined {
  if (value === undefined) return undefined;
  if (type !== 'hidden') location.fail(`applies only to type "hidden"; remove it or change the type.`);
  return location.string(value);
}

function parseAutocomplete(value: unknown, location: Location): string | undefined {
  if (value === undefined) return undefined;
  return location.pattern(value, AUTOCOMPLETE_PATTERN, 'HTML autocomplete tokens such as "email" or "given-name"');
}

function parseOnSuccess(value: unknown, location: Location): { redirect: string } | undefined {
  if (value === undefined) return undefined;
  const object = location.object(value);
  location.rejectUnknownKeys(object, ['redirect']);

  const redirect = location.child('"redirect"').nonEmptyString(object.redirect);
  if (!isSafeRedirect(redirect)) {
    location.child('"redirect"').fail(`must be an http(s) URL or a path starting with "/", got ${describe(redirect)}.`);
  }
  return { redirect };
}

/** Allows absolute http(s) URLs and site-relative paths; rejects `javascript:` and protocol-relative `//host`. */
function isSafeRedirect(value: string): boolean {
  if (value.startsWith('/')) return !value.startsWith('//') && !value.startsWith('/\\');
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function parseMarketoNames(value: unknown, location: Location, api: MarketoApi): MarketoFieldNames {
  const object = location.object(value);
  location.rejectUnknownKeys(object, ['soap', 'rest']);

  const names: MarketoFieldNames = {};
  for (const key of ['soap', 'rest'] as const) {
    if (object[key] === undefined) continue;
    names[key] = location.child(`"${key}"`).pattern(object[key], MARKETO_NAME_PATTERN, 'a Marketo field name such as FirstName');
  }

  if (api === 'rest' && names.rest === undefined && names.soap !== undefined) {
    names.rest = deriveRestName(names.soap, location);
  }
  if (names[api] === undefined) {
    location.fail(`has no "${api}" name, which MARKETO_API=${api} needs; add the Marketo ${api.toUpperCase()} field name.`);
  }
  if (api === 'rest') rejectReservedRestName(names.rest, location);
  return names;
}

function deriveRestName(soapName: string, location: Location): string {
  const derivation = restNameForSoapName(soapName);
  if (derivation.ok) return derivation.name;
  return location.fail(`has no "rest" name, and the SOAP field "${soapName}" cannot be sent with MARKETO_API=rest: ${derivation.reason}.`);
}

function rejectReservedRestName(restName: string | undefined, location: Location): void {
  const reason = restName === undefined ? undefined : RESERVED_REST_NAMES.get(restName);
  if (reason === undefined) return;
  location.child('"rest"').fail(`"${restName}" cannot be written by a form, because ${reason}; map the field to another REST field.`);
}

/**
 * Reads the form's `"marketo"` settings for the REST transport: `{"mode": "syncLeads",
 * "lookupField": "email"}` (the default) or `{"mode": "submitForm", "formId": 1001,
 * "programId": 2002}`. Submit Form always matches leads by email, so it takes no lookupField.
 */
function parseRestDelivery(value: unknown, location: Location): RestDelivery {
  if (value === undefined) return DEFAULT_REST_DELIVERY;
  const object = location.object(value);
  location.rejectUnknownKeys(object, ['mode', 'lookupField', 'formId', 'programId']);

  const mode = object.mode ?? DEFAULT_REST_DELIVERY.mode;
  if (mode === 'submitForm') {
    if (object.lookupField !== undefined) {
      location.fail('"lookupField" does not apply to mode "submitForm", which always matches leads by email; remove it or use mode "syncLeads".');
    }
    const formId = parseInt32(object.formId, location.child('"formId"'));
    const programId = object.programId === undefined ? undefined : parseInt32(object.programId, location.child('"programId"'));
    return { mode, formId, ...optional('programId', programId) };
  }
  if (mode !== 'syncLeads') {
    location.child('"mode"').fail(`must be one of ${REST_DELIVERY_MODES.join(', ')}, got ${describe(mode)}.`);
  }

  for (const key of ['formId', 'programId']) {
    if (object[key] !== undefined) location.fail(`"${key}" applies only to mode "submitForm"; remove it or set "mode": "submitForm".`);
  }
  const lookupField =
    object.lookupField === undefined
      ? DEFAULT_REST_DELIVERY.lookupField
      : location.child('"lookupField"').pattern(object.lookupField, MARKETO_NAME_PATTERN, 'a Marketo REST field name such as email');
  return { mode: 'syncLeads', lookupField };
}

function parseInt32(value: unknown, location: Location): number {
  const number = location.positiveInteger(value);
  if (number <= MAX_INT32) return number;
  return location.fail(`must be at most ${MAX_INT32}, the largest id Marketo stores, got ${number}.`);
}

/**
 * Checks that every REST submission carries its match key: Sync Leads needs the lookupField's
 * value in every record, and Submit Form needs the email, so the field that maps to that key
 * must exist and be required.
 */
function checkRestKey(delivery: RestDelivery, fields: readonly FieldDefinition[], location: Location): void {
  const key = delivery.mode === 'submitForm' ? 'email' : delivery.lookupField;
  const setting = delivery.mode === 'submitForm' ? 'mode "submitForm" matches leads by "email"' : `"marketo.lookupField" is "${key}"`;
  const field = fields.find((candidate) => candidate.marketo.rest === key);

  if (field === undefined) {
    location.fail(`${setting}, but no field maps to the REST field "${key}"; add a required field with "marketo": {"rest": "${key}"}.`);
  }
  if (!field.required) {
    location.fail(`${setting}, so field "${field.name}" must be required; set "required": true, because Marketo needs that value in every lead.`);
  }
}

function checkUnique(fields: readonly FieldDefinition[], location: Location, api: MarketoApi): void {
  const names = new Set<string>();
  const marketoNames = new Map<string, string>();

  for (const field of fields) {
    if (names.has(field.name)) location.fail(`field name "${field.name}" appears twice; give each field its own name.`);
    names.add(field.name);

    const marketoName = field.marketo[api];
    if (marketoName === undefined) continue;
    const other = marketoNames.get(marketoName.toLowerCase());
    if (other !== undefined) {
      location.fail(`fields "${other}" and "${field.name}" both map to Marketo field "${marketoName}"; map each Marketo field once.`);
    }
    marketoNames.set(marketoName.toLowerCase(), field.name);
  }
}

function parseLocalizedOrUndefined(value: unknown, location: Location): LocalizedText | undefined {
  return value === undefined ? undefined : parseLocalized(value, location);
}

function parseLocalized(value: unknown, location: Location): LocalizedText {
  if (typeof value === 'string') {
    location.fail(`must be an object per locale, e.g. {"en": ${JSON.stringify(value)}}.`);
  }
  const object = location.object(value);

  const text: Record<string, string> = {};
  for (const [locale, entry] of Object.entries(object)) {
    if (!LOCALE_PATTERN.test(locale)) location.fail(`locale "${locale}" is not a language tag such as "en" or "de".`);
    text[locale] = location.child(`"${locale}"`).nonEmptyString(entry);
  }
  if (text.en === undefined) location.fail('has no "en" entry; add one, because English is the fallback locale.');

  return Object.freeze(text);
}

/** Returns `{ [key]: value }`, or `{}` when value is undefined, so optional keys stay absent. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** A position in the forms document, used to build error messages such as `forms.json: form "contact", field "email": ...`. */
class Location {
  constructor(private readonly path: string) {}

  child(segment: string): Location {
    return new Location(`${this.path}, ${segment}`);
  }

  /** Replaces the last segment, e.g. `form #1` with `form "contact"` once the id is known. */
  withName(segment: string): Location {
    const cut = this.path.lastIndexOf(', ');
    return new Location(cut === -1 ? segment : `${this.path.slice(0, cut)}, ${segment}`);
  }

  fail(problem: string): never {
    throw new FormsConfigError(`${this.path.replace(', ', ': ')}: ${problem}`);
  }

  object(value: unknown): Record<string, unknown> {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.fail(`must be a JSON object, got ${describe(value)}.`);
  }

  array(value: unknown): unknown[] {
    if (Array.isArray(value)) return value;
    return this.fail(`must be a JSON array, got ${describe(value)}.`);
  }

  string(value: unknown): string {
    if (typeof value === 'string') return value;
    return this.fail(`must be a string, got ${describe(value)}.`);
  }

  nonEmptyString(value: unknown): string {
    const text = this.string(value);
    if (text.trim() !== '') return text;
    return this.fail('must not be empty.');
  }

  boolean(value: unknown): boolean {
    if (typeof value === 'boolean') return value;
    return this.fail(`must be true or false, got ${describe(value)}.`);
  }

  positiveInteger(value: unknown): number {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
    return this.fail(`must be a positive integer, got ${describe(value)}.`);
  }

  pattern(value: unknown, pattern: RegExp, expected: string): string {
    const text = this.string(value);
    if (pattern.test(text)) return text;
    return this.fail(`must be ${expected}, got ${describe(text)}.`);
  }

  rejectUnknownKeys(object: Record<string, unknown>, allowed: readonly string[]): void {
    const unknown = Object.keys(object).filter((key) => !allowed.includes(key));
    if (unknown.length === 0) return;
    this.fail(`unknown key ${describe(unknown[0])}; expected one of ${allowed.join(', ')}.`);
  }
}
