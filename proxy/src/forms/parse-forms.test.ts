import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { FormsConfigError } from '../errors.js';
import { parseForms } from './parse-forms.js';

const DEMO_FORMS = JSON.parse(readFileSync(fileURLToPath(new URL('../../config/forms.demo.json', import.meta.url)), 'utf8')) as unknown;

function field(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'email', type: 'email', label: { en: 'Email' }, marketo: { soap: 'Email', rest: 'email' }, ...overrides };
}

function document(fields: unknown[], formOverrides: Record<string, unknown> = {}): unknown {
  return { forms: [{ id: 'contact', fields, ...formOverrides }] };
}

function parseError(input: unknown): string {
  try {
    parseForms(input, { api: 'soap', source: 'forms.json' });
  } catch (error) {
    if (error instanceof FormsConfigError) return error.message;
    throw error;
  }
  throw new Error('parseForms accepted the document');
}

describe('parseForms demo file', () => {
  it('loads the contact form', () => {
    const forms = parseForms(DEMO_FORMS, { api: 'soap' });
    const contact = forms.get('contact');

    expect(contact?.fields.map((definition) => definition.name)).toEqual(['email', 'firstName', 'lastName', 'company']);
    expect(contact?.fields[0]).toMatchObject({ type: 'email', required: true, maxLength: 254, marketo: { soap: 'Email', rest: 'email' } });
    expect(contact?.fields[1]).toMatchObject({ type: 'text', required: false, maxLength: 255 });
  });

  it('loads the demo file for the rest API too', () => {
    expect(parseForms(DEMO_FORMS, { api: 'rest' }).has('contact')).toBe(true);
  });
});

describe('parseForms field options', () => {
  it('applies the default maxLength per type', () => {
    const forms = parseForms(
      document([
        field(),
        field({ name: 'phone', type: 'tel', marketo: { soap: 'Phone' } }),
        field({ name: 'comments', type: 'textarea', marketo: { soap: 'Comments' } }),
        field({ name: 'source', type: 'hidden', marketo: { soap: 'LeadSource' } }),
        field({ name: 'optIn', type: 'checkbox', marketo: { soap: 'OptIn' } }),
      ]),
      { api: 'soap' },
    );

    expect(forms.get('contact')?.fields.map((definition) => definition.maxLength)).toEqual([254, 40, 5000, 255, undefined]);
  });

  it('keeps select options, hidden value, texts and redirect', () => {
    const forms = parseForms(
      document(
        [
          field(),
          field({
            name: 'country',
            type: 'select',
            options: [
              { value: 'DE', label: { en: 'Germany', de: 'Deutschland' } },
              { value: 'FR', label: { en: 'France' } },
            ],
            marketo: { soap: 'Country' },
          }),
          field({ name: 'source', type: 'hidden', value: 'website', marketo: { soap: 'LeadSource' } }),
        ],
        { title: { en: 'Hi', de: 'Hallo' }, onSuccess: { redirect: '/thanks' } },
      ),
      { api: 'soap' },
    );
    const form = forms.get('contact');

    expect(form?.title).toEqual({ en: 'Hi', de: 'Hallo' });
    expect(form?.onSuccess).toEqual({ redirect: '/thanks' });
    expect(form?.fields[1]?.options?.map((option) => option.value)).toEqual(['DE', 'FR']);
    expect(form?.fields[2]?.value).toBe('website');
  });
});

describe('parseForms errors', () => {
  it.each([
    ['a non-object document', [], 'forms.json: must be a JSON object, got [].'],
    ['no forms', { forms: [] }, 'forms.json: "forms" is empty; add at least one form.'],
    ['an unknown top-level key', { forms: [], form: [] }, 'forms.json: unknown key "form"; expected one of $schema, forms.'],
    ['a bad form id', { forms: [{ id: 'a b', fields: [field()] }] }, 'forms.json: form #1, "id": must be letters, digits, "-" and "_", at most 64, got "a b".'],
    ['a form without fields', document([]), 'forms.json: form "contact": "fields" is empty; add at least one field.'],
    ['a misspelled field key', document([field({ requried: true })]), 'forms.json: form "contact", field "email": unknown key "requried"; expected one of'],
    ['an unknown type', document([field({ type: 'date' })]), 'forms.json: form "contact", field "email", "type": must be one of email, text, tel, textarea, select, checkbox, hidden, got "date".'],
    ['a missing label', document([field({ label: undefined })]), 'field "email", "label": must be a JSON object, got nothing.'],
    ['a label without en', document([field({ label: { de: 'E-Mail' } })]), 'field "email", "label": has no "en" entry'],
    ['a label as a string', document([field({ label: 'Email' })]), 'field "email", "label": must be an object per locale, e.g. {"en": "Email"}.'],
    ['a non-integer maxLength', document([field({ maxLength: '254' })]), 'field "email", "maxLength": must be a positive integer, got "254".'],
    ['minLength above maxLength', document([field({ minLength: 10, maxLength: 5 })]), '"minLength" (10) is greater than "maxLength" (5)'],
    ['maxLength on a checkbox', document([field({ type: 'checkbox', maxLength: 5 })]), 'apply only to text-like fields, not to type "checkbox"'],
    ['a select without options', document([field({ type: 'select' })]), 'field "email", "options": must be a JSON array, got nothing.'],
    ['options on a text field', document([field({ options: [] })]), '"options": applies only to type "select"'],
    ['a value on a text field', document([field({ value: 'x' })]), '"value": applies only to type "hidden"'],
    ['a missing SOAP name', document([field({ marketo: { rest: 'email' } })]), '"marketo": has no "soap" name, which MARKETO_API=soap needs'],
    ['a bad SOAP name', document([field({ marketo: { soap: 'First Name' } })]), '"soap": must be a Marketo field name such as FirstName, got "First Name".'],
    ['a duplicate field name', document([field(), field({ marketo: { soap: 'Email2' } })]), 'field name "email" appears twice'],
    ['a duplicate Marketo name', document([field(), field({ name: 'email2' })]), 'fields "email" and "email2" both map to Marketo field "Email"'],
    ['a javascript redirect', document([field()], { onSuccess: { redirect: 'javascript:alert(1)' } }), '"redirect": must be an http(s) URL or a path starting with "/"'],
    ['a protocol-relative redirect', document([field()], { onSuccess: { redirect: '//evil.example' } }), '"redirect": must be an http(s) URL'],
    ['a __proto__ field name', document([field({ name: '__proto__' })]), 'field #1, "name": must be a letter, then letters'],
  ])('names the location of %s', (_case, input, expected) => {
    expect(parseError(input)).toContain(expected);
  });

  it('names a duplicate form id', () => {
    const input = { forms: [{ id: 'contact', fields: [field()] }, { id: 'contact', fields: [field()] }] };
    expect(parseError(input)).toBe('forms.json: form id "contact" appears twice; give each form its own id.');
  });

  it('names a field without any Marketo name when the API is rest', () => {
    expect(() => parseForms(document([field({ marketo: {} })]), { api: 'rest' })).toThrow(/has no "rest" name, which MARKETO_API=rest needs/);
  });
});
