import { describe, expect, it } from 'vitest';

import { FormsConfigError } from '../errors.js';
import { DEFAULT_MIN_FILL_MS, parseForms } from './parse-forms.js';

const EMAIL_FIELD = { name: 'email', type: 'email', required: true, label: { en: 'Email' }, marketo: { soap: 'Email' } };

function parseContact(extra: Record<string, unknown>) {
  return parseForms({ forms: [{ id: 'contact', fields: [EMAIL_FIELD], ...extra }] }, { api: 'soap', source: 'forms.json' }).get('contact')!;
}

describe('parseForms minFillMs', () => {
  it('defaults to 1500 ms', () => {
    expect(DEFAULT_MIN_FILL_MS).toBe(1500);
    expect(parseContact({}).minFillMs).toBe(1500);
  });

  it('reads the form value, 0 included', () => {
    expect(parseContact({ minFillMs: 4000 }).minFillMs).toBe(4000);
    expect(parseContact({ minFillMs: 0 }).minFillMs).toBe(0);
  });

  it.each([[-1], [1.5], ['1500'], [600_001]])('rejects %j naming the form and the fix', (value) => {
    expect(() => parseContact({ minFillMs: value })).toThrow(FormsConfigError);
    expect(() => parseContact({ minFillMs: value })).toThrow(
      /^forms\.json: form "contact", "minFillMs": must be the fewest milliseconds a person needs to fill in the form, an integer from 0 to 600000, got /,
    );
  });
});
