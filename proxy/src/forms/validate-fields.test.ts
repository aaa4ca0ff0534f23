import { describe, expect, it } from 'vitest';

import { RequestError, ValidationError, type FieldProblem } from '../errors.js';
import { parseForms } from './parse-forms.js';
import { validateFields } from './validate-fields.js';

const FORM = parseForms(
  {
    forms: [
      {
        id: 'contact',
        fields: [
          { name: 'email', type: 'email', required: true, label: { en: 'Email' }, marketo: { soap: 'Email' } },
          { name: 'firstName', type: 'text', maxLength: 10, minLength: 2, label: { en: 'First name' }, marketo: { soap: 'FirstName' } },
          { name: 'phone', type: 'tel', label: { en: 'Phone' }, marketo: { soap: 'Phone' } },
          { name: 'comments', type: 'textarea', label: { en: 'Comments' }, marketo: { soap: 'Comments' } },
          {
            name: 'country',
            type: 'select',
            options: [{ value: 'DE', label: { en: 'Germany' } }],
            label: { en: 'Country' },
            marketo: { soap: 'Country' },
          },
          { name: 'consent', type: 'checkbox', required: true, label: { en: 'Consent' }, marketo: { soap: 'Consent' } },
          { name: 'newsletter', type: 'checkbox', label: { en: 'Newsletter' }, marketo: { soap: 'Newsletter' } },
          { name: 'source', type: 'hidden', value: 'website', label: { en: 'Source' }, marketo: { soap: 'LeadSource' } },
        ],
      },
    ],
  },
  { api: 'soap' },
).get('contact')!;

const VALID = { email: 'ana@example.test', consent: true };

function problems(fields: unknown): FieldProblem[] {
  try {
    validateFields(FORM, fields);
  } catch (error) {
    if (error instanceof ValidationError) return [...error.fields];
    throw error;
  }
  throw new Error('validateFields accepted the fields');
}

function problemFor(fields: Record<string, unknown>, name: string): string | undefined {
  return problems(fields).find((problem) => problem.name === name)?.message;
}

describe('validateFields accepted values', () => {
  it('trims strings and keeps only fields with a value', () => {
    const values = validateFields(FORM, { ...VALID, email: '  ana@example.test ', firstName: ' Ana ', phone: '' });

    expect([...values]).toEqual([
      ['email', 'ana@example.test'],
      ['firstName', 'Ana'],
      ['consent', 'true'],
      ['source', 'website'],
    ]);
  });

  it('keeps non-ASCII and line breaks in a textarea', () => {
    const comments = '株式会社テスト 🚀\nZoë & "Lee" <b>';
    expect(validateFields(FORM, { ...VALID, comments }).get('comments')).toBe(comments);
  });

  it.each([
    [true, 'true'],
    ['true', 'true'],
    ['on', 'true'],
    [false, 'false'],
    ['false', 'false'],
  ])('reads checkbox value %j as %s', (raw, expected) => {
    expect(validateFields(FORM, { ...VALID, newsletter: raw }).get('newsletter')).toBe(expected);
  });

  it('lets a posted hidden value replace the default', () => {
    expect(validateFields(FORM, { ...VALID, source: 'ads' }).get('source')).toBe('ads');
  });

  it('counts emoji as one character each', () => {
    expect(validateFields(FORM, { ...VALID, firstName: '🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀' }).get('firstName')).toHaveLength(20);
  });

  it.each(['+49 30 1234567', '(555) 123-4567', '030/123.456', '+1 555 123 4567 ext. 12', '555-1234 x9'])('accepts phone %j', (phone) => {
    expect(validateFields(FORM, { ...VALID, phone }).get('phone')).toBe(phone);
  });

  it.each(["o'brien+tag@mail.example.co.uk", 'a@b.io', 'UPPER@EXAMPLE.COM'])('accepts e-mail %j', (email) => {
    expect(validateFields(FORM, { ...VALID, email }).get('email')).toBe(email);
  });
});

describe('validateFields rejections', () => {
  it('rejects a non-object fields value as invalid_request', () => {
    for (const fields of [undefined, null, 'x', ['email']]) {
      expect(() => validateFields(FORM, fields)).toThrow(RequestError);
    }
  });

  it('names a missing required field', () => {
    expect(problemFor({ consent: true }, 'email')).toBe('Field "email" is required.');
    expect(problemFor({ email: ' ', consent: true }, 'email')).toBe('Field "email" is required.');
  });

  it('requires a required checkbox to be checked', () => {
    expect(problemFor({ email: 'ana@example.test' }, 'consent')).toBe('Field "consent" must be checked.');
    expect(problemFor({ email: 'ana@example.test', consent: false }, 'consent')).toBe('Field "consent" must be checked.');
  });

  it.each(['ana', 'ana@', '@example.test', 'ana@example', 'ana example@x.test', 'ana@exa_mple.test', 'a@@b.test'])(
    'rejects e-mail %j',
    (email) => {
      expect(problemFor({ ...VALID, email }, 'email')).toBe('Field "email" is not a valid e-mail address.');
    },
  );

  it.each(['12', 'call me', '+49 30 abc', '()--'])('rejects phone %j', (phone) => {
    expect(problemFor({ ...VALID, phone }, 'phone')).toBe(
      'Field "phone" is not a valid phone number: use at least 3 digits, spaces and + ( ) . / -, and optionally an extension such as "x12".',
    );
  });

  it('rejects values over maxLength and under minLength', () => {
    expect(problemFor({ ...VALID, firstName: 'Bartholomew' }, 'firstName')).toBe('Field "firstName" is too long: at most 10 characters, got 11.');
    expect(problemFor({ ...VALID, firstName: 'A' }, 'firstName')).toBe('Field "firstName" is too short: at least 2 characters, got 1.');
  });

  it('rejects a select value outside the options', () => {
    expect(problemFor({ ...VALID, country: 'XX' }, 'country')).toBe('Field "country" must be one of the listed options.');
  });

  it('rejects non-string values', () => {
    expect(problemFor({ ...VALID, firstName: 42 }, 'firstName')).toBe('Field "firstName" must be a string, got a number.');
    expect(problemFor({ ...VALID, firstName: ['Ana'] }, 'firstName')).toBe('Field "firstName" must be a string, got an array.');
    expect(problemFor({ ...VALID, newsletter: 'yes' }, 'newsletter')).toBe('Field "newsletter" must be true or false, got "yes".');
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['an escape', 'a\u001Bb'],
    ['a lone surrogate', 'a\uD83Db'],
    ['U+FFFF', 'a\uFFFFb'],
  ])('rejects %s', (_case, comments) => {
    expect(problemFor({ ...VALID, comments }, 'comments')).toBe('Field "comments" contains a control or invalid Unicode character; remove it.');
  });

  it('rejects a line break in a single-line field', () => {
    expect(problemFor({ ...VALID, firstName: 'An\na' }, 'firstName')).toBe('Field "firstName" must be a single line.');
  });

  it('names unknown fields, including prototype keys', () => {
    const fields = JSON.parse('{"email":"ana@example.test","consent":true,"__proto__":{"x":1},"constructor":"y","leadScore":"100"}') as unknown;
    const found = problems(fields);

    expect(found.map((problem) => [problem.name, problem.code])).toEqual([
      ['__proto__', 'unknown_field'],
      ['constructor', 'unknown_field'],
      ['leadScore', 'unknown_field'],
    ]);
    expect(found[2]?.message).toBe('The form "contact" has no field "leadScore".');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reports every problem at once with unknown_field taking precedence', () => {
    let error: unknown;
    try {
      validateFields(FORM, { email: 'nope', extra: 'x' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('unknown_field');
    expect((error as ValidationError).fields.map((problem) => problem.name)).toEqual(['extra', 'email', 'consent']);
  });

  it('uses invalid_field when all fields are known', () => {
    expect(() => validateFields(FORM, { email: 'nope', consent: true })).toThrow(expect.objectContaining({ code: 'invalid_field' }));
  });
});
