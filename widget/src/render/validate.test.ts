import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../types';
import { fieldErrorText, validateFields } from './validate';

const fields: FieldDefinition[] = [
  { name: 'email', type: 'email', required: true, label: 'Email' },
  { name: 'name', type: 'text', maxLength: 5, minLength: 2, label: 'Name' },
  { name: 'terms', type: 'checkbox', required: true, label: 'Terms' },
  { name: 'note', type: 'textarea', label: 'Note' }
];

describe('validateFields', () => {
  it('accepts valid values and absent optional fields', () => {
    expect(validateFields(fields, { email: 'ana@example.test', terms: true }, 'en')).toEqual([]);
  });

  it('reports missing required text and unticked required checkboxes', () => {
    const errors = validateFields(fields, { terms: false }, 'en');
    expect(errors.map((error) => [error.name, error.code])).toEqual([
      ['email', 'required'],
      ['terms', 'required']
    ]);
  });

  it.each(['ana', 'ana@', 'ana@example', 'a na@example.test', '@example.test'])('rejects the email %j', (email) => {
    expect(validateFields(fields, { email, terms: true }, 'en')[0]?.code).toBe('invalid_email');
  });

  it('checks maximum and minimum length', () => {
    expect(validateFields(fields, { email: 'a@b.de', terms: true, name: 'Anastasia' }, 'en')[0]).toEqual({
      name: 'name',
      code: 'too_long',
      message: 'Please use at most 5 characters.'
    });
    expect(validateFields(fields, { email: 'a@b.de', terms: true, name: 'A' }, 'en')[0]?.code).toBe('too_short');
  });

  it('writes messages in the locale', () => {
    expect(validateFields(fields, { terms: true }, 'de')[0]?.message).toBe('Bitte füllen Sie dieses Feld aus.');
  });
});

describe('fieldErrorText', () => {
  it('localizes codes the widget knows', () => {
    const error = { name: 'name', code: 'too_long', message: 'name is longer than 5 characters' };
    expect(fieldErrorText(error, fields[1], 'de')).toBe('Bitte verwenden Sie höchstens 5 Zeichen.');
  });

  it('asks to check the entry for other codes', () => {
    const error = { name: 'email', code: 'invalid_field', message: 'Field "email" is not a valid e-mail address.' };
    expect(fieldErrorText(error, fields[0], 'de')).toBe('Bitte prüfen Sie diese Eingabe.');
    expect(fieldErrorText({ code: 'too_long' }, undefined, 'en')).toBe('Please check this entry.');
  });
});
