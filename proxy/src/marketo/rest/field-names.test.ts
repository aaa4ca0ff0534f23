import { describe, expect, it } from 'vitest';

import { restNameForSoapName } from './field-names.js';

describe('restNameForSoapName', () => {
  it.each([
    ['Email', 'email'],
    ['FirstName', 'firstName'],
    ['LastName', 'lastName'],
    ['Company', 'company'],
    ['MobilePhone', 'mobilePhone'],
    ['NumberOfEmployees', 'numberOfEmployees'],
    ['BillingPostalCode', 'billingPostalCode'],
    ['LeadSource', 'leadSource'],
    ['AnonymousIP', 'anonymousIP'],
    ['DateofBirth', 'dateOfBirth'],
    ['SICCode', 'sicCode'],
  ])('maps %s to %s', (soapName, restName) => {
    expect(restNameForSoapName(soapName)).toEqual({ ok: true, name: restName });
  });

  it.each(['ForeignSysPersonId', 'ForeignSysType', 'Id'])('has no REST name for %s', (soapName) => {
    expect(restNameForSoapName(soapName).ok).toBe(false);
  });

  it('explains the ForeignSysPersonId fix', () => {
    const derivation = restNameForSoapName('ForeignSysPersonId');

    expect(derivation.ok ? '' : derivation.reason).toContain('Create a custom Marketo field for the external id');
  });
});
