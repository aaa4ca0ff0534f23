import { describe, expect, it } from 'vitest';

import { ValidationError } from '../errors.js';
import { parseForms } from '../forms/parse-forms.js';
import { mapSubmissionToLead } from './map-submission.js';

const FORM = parseForms(
  {
    forms: [
      {
        id: 'partner',
        fields: [
          { name: 'email', type: 'email', label: { en: 'Email' }, marketo: { soap: 'Email', rest: 'email' } },
          { name: 'firstName', type: 'text', label: { en: 'First name' }, marketo: { soap: 'FirstName', rest: 'firstName' } },
          { name: 'leadId', type: 'hidden', label: { en: 'Lead' }, marketo: { soap: 'Id' } },
          { name: 'crmId', type: 'hidden', label: { en: 'CRM id' }, marketo: { soap: 'ForeignSysPersonId' } },
          { name: 'crmType', type: 'hidden', label: { en: 'CRM' }, marketo: { soap: 'ForeignSysType' } },
          { name: 'newsletter', type: 'checkbox', label: { en: 'Newsletter' }, marketo: { soap: 'Newsletter' } },
        ],
      },
    ],
  },
  { api: 'soap' },
).get('partner')!;

describe('mapSubmissionToLead', () => {
  it('maps leadRecord elements and attributes by SOAP name', () => {
    const values = new Map([
      ['email', 'ana@example.test'],
      ['firstName', 'Ana'],
      ['leadId', '42'],
      ['crmId', 'crm-7'],
      ['crmType', 'SFDC'],
      ['newsletter', 'true'],
    ]);

    expect(mapSubmissionToLead(FORM, values, 'id:123-ABC-456&token:_mch-x.test-1700000000000-12345')).toEqual({
      id: 42,
      email: 'ana@example.test',
      foreignSysPersonId: 'crm-7',
      foreignSysType: 'SFDC',
      attributes: [
        { name: 'FirstName', value: 'Ana' },
        { name: 'Newsletter', type: 'boolean', value: 'true' },
      ],
      cookie: 'id:123-ABC-456&token:_mch-x.test-1700000000000-12345',
    });
  });

  it('leaves out fields without a value and the cookie when absent', () => {
    expect(mapSubmissionToLead(FORM, new Map([['email', 'ana@example.test']]))).toEqual({ email: 'ana@example.test', attributes: [] });
  });

  it.each(['abc', '0', '2147483648', '1.5'])('rejects lead id %j naming the posted field', (leadId) => {
    expect(() => mapSubmissionToLead(FORM, new Map([['leadId', leadId]]))).toThrow(ValidationError);
    expect(() => mapSubmissionToLead(FORM, new Map([['leadId', leadId]]))).toThrow(
      expect.objectContaining({ fields: [expect.objectContaining({ name: 'leadId', code: 'invalid_field' })] }),
    );
  });

  it('rejects an unknown ForeignSysType naming the posted field', () => {
    expect(() => mapSubmissionToLead(FORM, new Map([['crmType', 'HUBSPOT']]))).toThrow(
      expect.objectContaining({ fields: [expect.objectContaining({ name: 'crmType' })] }),
    );
  });
});
