import { describe, expect, it } from 'vitest';

import { parseForms } from '../forms/parse-forms.js';
import { mapSubmissionToLead } from './map-submission.js';

const COOKIE = 'id:123-ABC-456&token:_mch-x.test-1700000000000-12345';

function form(marketo?: Record<string, unknown>) {
  return parseForms(
    {
      forms: [
        {
          id: 'partner',
          ...(marketo !== undefined && { marketo }),
          fields: [
            { name: 'email', type: 'email', required: true, label: { en: 'Email' }, marketo: { soap: 'Email' } },
            { name: 'firstName', type: 'text', label: { en: 'First name' }, marketo: { soap: 'FirstName', rest: 'firstName' } },
            { name: 'sic', type: 'text', label: { en: 'SIC' }, marketo: { soap: 'SICCode' } },
            { name: 'newsletter', type: 'checkbox', label: { en: 'Newsletter' }, marketo: { rest: 'newsletterOptIn' } },
          ],
        },
      ],
    },
    { api: 'rest' },
  ).get('partner')!;
}

describe('mapSubmissionToLead for REST', () => {
  it('maps fields by REST name', () => {
    const values = new Map([
      ['email', 'ana@example.test'],
      ['firstName', 'Ana'],
      ['sic', '7372'],
      ['newsletter', 'true'],
    ]);

    expect(mapSubmissionToLead(form(), values, COOKIE, 'rest')).toEqual({
      email: 'ana@example.test',
      attributes: [
        { name: 'firstName', value: 'Ana' },
        { name: 'sicCode', value: '7372' },
        { name: 'newsletterOptIn', type: 'boolean', value: 'true' },
      ],
      cookie: COOKIE,
      rest: { mode: 'syncLeads', lookupField: 'email' },
    });
  });

  it("carries the form's Submit Form settings", () => {
    const lead = mapSubmissionToLead(form({ mode: 'submitForm', formId: 1001 }), new Map([['email', 'ana@example.test']]), undefined, 'rest');

    expect(lead).toEqual({ email: 'ana@example.test', attributes: [], rest: { mode: 'submitForm', formId: 1001 } });
  });

  it('leaves out fields without a value', () => {
    expect(mapSubmissionToLead(form(), new Map([['email', 'ana@example.test']]), undefined, 'rest').attributes).toEqual([]);
  });
});
