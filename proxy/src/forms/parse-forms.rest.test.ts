import { describe, expect, it } from 'vitest';

import { FormsConfigError } from '../errors.js';
import { parseForms } from './parse-forms.js';

/** `parseForms` with MARKETO_API=rest: REST names, derived names and the form's `"marketo"` settings. */

const EMAIL = { name: 'email', type: 'email', required: true, label: { en: 'Email' }, marketo: { soap: 'Email', rest: 'email' } };

function field(name: string, marketo: Record<string, unknown>, overrides: Record<string, unknown> = {}) {
  return { name, type: 'text', label: { en: name }, marketo, ...overrides };
}

function parse(fields: unknown[], form: Record<string, unknown> = {}, api: 'rest' | 'soap' = 'rest') {
  return parseForms({ forms: [{ id: 'contact', fields, ...form }] }, { api, source: 'forms.json' }).get('contact')!;
}

function parseError(fields: unknown[], form: Record<string, unknown> = {}, api: 'rest' | 'soap' = 'rest'): string {
  try {
    parse(fields, form, api);
  } catch (error) {
    if (error instanceof FormsConfigError) return error.message;
    throw error;
  }
  throw new Error('parseForms accepted the document');
}

describe('parseForms REST names', () => {
  it('derives REST names from SOAP names', () => {
    const form = parse([
      { ...EMAIL, marketo: { soap: 'Email' } },
      field('firstName', { soap: 'FirstName' }),
      field('sic', { soap: 'SICCode' }),
    ]);

    expect(form.fields.map((definition) => definition.marketo.rest)).toEqual(['email', 'firstName', 'sicCode']);
  });

  it('keeps an explicit REST name over the SOAP one', () => {
    const form = parse([EMAIL, field('crm', { soap: 'ForeignSysPersonId', rest: 'crmId__c' })]);

    expect(form.fields[1]?.marketo).toEqual({ soap: 'ForeignSysPersonId', rest: 'crmId__c' });
  });

  it('leaves REST names alone under SOAP', () => {
    const form = parse([EMAIL, field('firstName', { soap: 'FirstName' })], {}, 'soap');

    expect(form.fields[1]?.marketo).toEqual({ soap: 'FirstName' });
  });

  it.each(['ForeignSysPersonId', 'ForeignSysType', 'Id'])('rejects SOAP-only %s without a REST name', (soapName) => {
    expect(parseError([EMAIL, field('key', { soap: soapName })])).toContain(
      `forms.json: form "contact", field "key", "marketo": has no "rest" name, and the SOAP field "${soapName}" cannot be sent with MARKETO_API=rest`,
    );
  });

  it.each(['cookies', 'id'])('rejects the REST name %s', (restName) => {
    expect(parseError([EMAIL, field('x', { rest: restName })])).toContain(`field "x", "marketo", "rest": "${restName}" cannot be written by a form`);
  });
});

describe('parseForms REST delivery', () => {
  it('defaults to Sync Leads by email', () => {
    expect(parse([EMAIL]).marketo).toEqual({ mode: 'syncLeads', lookupField: 'email' });
  });

  it('reads a custom lookupField', () => {
    const form = parse([EMAIL, field('crm', { rest: 'crmId' }, { required: true })], { marketo: { lookupField: 'crmId' } });

    expect(form.marketo).toEqual({ mode: 'syncLeads', lookupField: 'crmId' });
  });

  it('reads Submit Form settings', () => {
    expect(parse([EMAIL], { marketo: { mode: 'submitForm', formId: 1001, programId: 2002 } }).marketo).toEqual({
      mode: 'submitForm',
      formId: 1001,
      programId: 2002,
    });
  });

  it('validates the settings under SOAP too', () => {
    expect(parseError([EMAIL], { marketo: { mode: 'push' } }, 'soap')).toContain('"marketo", "mode": must be one of syncLeads, submitForm, got "push".');
  });

  it.each([
    ['an unknown key', { marketo: { lookup: 'email' } }, '"marketo": unknown key "lookup"'],
    ['a missing formId', { marketo: { mode: 'submitForm' } }, '"marketo", "formId": must be a positive integer, got nothing.'],
    ['a formId above int32', { marketo: { mode: 'submitForm', formId: 2_147_483_648 } }, '"formId": must be at most 2147483647'],
    ['lookupField with Submit Form', { marketo: { mode: 'submitForm', formId: 1, lookupField: 'email' } }, '"lookupField" does not apply to mode "submitForm"'],
    ['formId with Sync Leads', { marketo: { formId: 1 } }, '"formId" applies only to mode "submitForm"'],
    ['a lookupField no field maps', { marketo: { lookupField: 'crmId' } }, '"marketo.lookupField" is "crmId", but no field maps to the REST field "crmId"'],
  ])('rejects %s', (_case, form, expected) => {
    expect(parseError([EMAIL], form)).toContain(expected);
  });

  it('requires the lookup field to be required', () => {
    expect(parseError([{ ...EMAIL, required: false }])).toBe(
      'forms.json: form "contact": "marketo.lookupField" is "email", so field "email" must be required; set "required": true, because Marketo needs that value in every lead.',
    );
  });

  it('requires an email field for Submit Form', () => {
    expect(parseError([field('crm', { rest: 'crmId' }, { required: true })], { marketo: { mode: 'submitForm', formId: 1 } })).toContain(
      'mode "submitForm" matches leads by "email", but no field maps to the REST field "email"',
    );
  });
});
