import { ConfigError } from '../../errors.js';
import type { LeadSync } from '../transport.js';

/** A lead as REST takes it: REST field names to JSON values. */
export type RestLeadRecord = Record<string, string | boolean>;

/**
 * Builds the REST lead object from a `LeadSync` whose attribute names are REST names. Boolean
 * attributes (checkboxes) become JSON booleans. The cookie is never put into the record:
 * Marketo's lead field `cookies` would take the cookie but drop the visitor's anonymous history,
 * so the cookie goes to Associate Lead or to Submit Form's own `cookie` member.
 *
 * Throws `ConfigError` for the SOAP-only keys (`id`, `foreignSysPersonId`, `foreignSysType`) and
 * for an attribute named `cookies`; the forms file check rejects those mappings at start.
 */
export function buildLeadRecord(lead: LeadSync): RestLeadRecord {
  rejectSoapOnlyKeys(lead);

  const record: RestLeadRecord = {};
  if (lead.email !== undefined) record.email = lead.email;

  for (const attribute of lead.attributes) {
    if (attribute.name === 'cookies') {
      throw new ConfigError('LEADSYNC_CONFIG', 'A form field maps to the REST field "cookies"; map it to another field, because the cookie is sent through Associate Lead.');
    }
    record[attribute.name] = attribute.type === 'boolean' ? attribute.value === 'true' : attribute.value;
  }

  return record;
}

function rejectSoapOnlyKeys(lead: LeadSync): void {
  const soapOnly = (['id', 'foreignSysPersonId', 'foreignSysType'] as const).filter((key) => lead[key] !== undefined);
  if (soapOnly.length === 0) return;
  throw new ConfigError(
    'LEADSYNC_CONFIG',
    `The lead carries ${soapOnly.join(', ')}, which REST Sync Leads cannot take; map those form fields to REST fields and use the form's "marketo": {"lookupField": …}.`,
  );
}
