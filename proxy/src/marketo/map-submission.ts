import type { MarketoApi } from '../config.js';
import { ValidationError } from '../errors.js';
import type { FormDefinition } from '../forms/form-definition.js';
import type { FieldValues } from '../forms/validate-fields.js';
import { DEFAULT_REST_DELIVERY, FOREIGN_SYS_TYPES, type ForeignSysType, type LeadSync } from './transport.js';

/**
 * Maps validated form values to a `LeadSync` by the names of the active API, SOAP by default;
 * with `api` rest it returns `mapSubmissionToRestLead`. The SOAP names `Id`, `Email`,
 * `ForeignSysPersonId` and `ForeignSysType` are elements of `leadRecord`; every other name
 * becomes a lead attribute. Checkbox values are sent with `attrType` boolean.
 *
 * Throws `ValidationError` when a value mapped to `Id` is not a positive integer or a value
 * mapped to `ForeignSysType` is not CUSTOM, SFDC or NETSUITE.
 */
export function mapSubmissionToLead(form: FormDefinition, values: FieldValues, cookie?: string, api: MarketoApi = 'soap'): LeadSync {
  if (api === 'rest') return mapSubmissionToRestLead(form, values, cookie);

  const lead: LeadSync = { attributes: [] };

  for (const field of form.fields) {
    const value = values.get(field.name);
    const soapName = field.marketo.soap;
    if (value === undefined || soapName === undefined) continue;

    switch (soapName) {
      case 'Id':
        lead.id = parseLeadId(field.name, value);
        break;
      case 'Email':
        lead.email = value;
        break;
      case 'ForeignSysPersonId':
        lead.foreignSysPersonId = value;
        break;
      case 'ForeignSysType':
        lead.foreignSysType = parseForeignSysType(field.name, value);
        break;
      default:
        lead.attributes.push({ name: soapName, value, ...(field.type === 'checkbox' && { type: 'boolean' }) });
    }
  }

  if (cookie !== undefined) lead.cookie = cookie;
  return lead;
}

/**
 * Maps validated form values to a `LeadSync` by each field's REST name: `email` fills
 * `lead.email`, every other name becomes an attribute, and checkboxes are typed boolean. The
 * form's REST delivery settings travel with the lead. `parseForms` has already derived missing
 * REST names and rejected fields that REST cannot carry.
 */
export function mapSubmissionToRestLead(form: FormDefinition, values: FieldValues, cookie?: string): LeadSync {
  const lead: LeadSync = { attributes: [], rest: form.marketo ?? DEFAULT_REST_DELIVERY };

  for (const field of form.fields) {
    const value = values.get(field.name);
    const restName = field.marketo.rest;
    if (value === undefined || restName === undefined) continue;

    if (restName === 'email') lead.email = value;
    else lead.attributes.push({ name: restName, value, ...(field.type === 'checkbox' && { type: 'boolean' }) });
  }

  if (cookie !== undefined) lead.cookie = cookie;
  return lead;
}

function parseLeadId(fieldName: string, value: string): number {
  const id = /^[0-9]{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (id >= 1 && id <= 2_147_483_647) return id;
  throw new ValidationError([{ name: fieldName, code: 'invalid_field', message: `Field "${fieldName}" must be a Marketo lead id (a positive integer).` }]);
}

function parseForeignSysType(fieldName: string, value: string): ForeignSysType {
  const type = FOREIGN_SYS_TYPES.find((candidate) => candidate === value);
  if (type !== undefined) return type;
  throw new ValidationError([
    { name: fieldName, code: 'invalid_field', message: `Field "${fieldName}" must be one of ${FOREIGN_SYS_TYPES.join(', ')}.` },
  ]);
}
