/**
 * Derives a lead field's REST API name from its SOAP API name. Marketo names most standard
 * fields in camelCase for REST (`FirstName` → `firstName`, `Email` → `email`). The tables below
 * contain the documented exceptions and the SOAP fields that REST has no counterpart for.
 * Source: Marketo's "Standard Fields" list and its SOAP-to-REST migration guide.
 */

export type RestNameDerivation = { ok: true; name: string } | { ok: false; reason: string };

// Standard fields whose REST name is not the SOAP name with a lower-case first letter.
const IRREGULAR_REST_NAMES: ReadonlyMap<string, string> = new Map([
  ['AnonymousIP', 'anonymousIP'],
  ['DateofBirth', 'dateOfBirth'],
  ['SICCode', 'sicCode'],
]);

// SOAP leadRecord elements that Sync Leads cannot take.
const WITHOUT_REST_COUNTERPART: ReadonlyMap<string, string> = new Map([
  [
    'ForeignSysPersonId',
    'the REST API has no foreign system person id. Create a custom Marketo field for the external id, ' +
      'give this field "rest": "<its REST name>" and set the form\'s "marketo": {"lookupField": "<that REST name>"}',
  ],
  ['ForeignSysType', 'the REST API has no foreign system type. Remove the field, or map it to a custom field with "rest"'],
  [
    'Id',
    'REST Sync Leads accepts the lead id only for updateOnly, which a form cannot use. Remove the field, ' +
      'or match leads by another key with the form\'s "marketo": {"lookupField": "<REST name>"}',
  ],
]);

/**
 * Returns the REST name for a SOAP field name, or the reason there is none.
 *
 * NOTE: custom fields follow the same lower-case-first rule here, but Marketo lets an admin
 * choose a custom field's REST name freely, so give `"rest"` explicitly for custom fields.
 */
export function restNameForSoapName(soapName: string): RestNameDerivation {
  const reason = WITHOUT_REST_COUNTERPART.get(soapName);
  if (reason !== undefined) return { ok: false, reason };

  const irregular = IRREGULAR_REST_NAMES.get(soapName);
  if (irregular !== undefined) return { ok: true, name: irregular };

  return { ok: true, name: soapName.charAt(0).toLowerCase() + soapName.slice(1) };
}
