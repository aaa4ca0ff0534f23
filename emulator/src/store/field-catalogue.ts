import { UnknownFieldError } from "./errors.ts";

/**
 * `attrType` values the emulator reports. Marketo's WSDL leaves attrType a free string;
 * responses seen in the wild use string, integer, url, boolean and float.
 */
export const FIELD_TYPES = ["string", "integer", "float", "boolean", "url", "date", "email"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** A lead field with its SOAP name (`FirstName`) and REST API name (`firstName`). */
export interface FieldDefinition {
  soapName: string;
  restName: string;
  type: FieldType;
}

/** A custom field as configured through `/_emulator/config`. */
export interface CustomFieldDefinition {
  name: string;
  type: FieldType;
  /** REST API name; defaults to `name` with its first letter in lower case. */
  restName?: string;
}

/**
 * Marketo's standard lead fields that the emulator accepts in `leadAttributeList`. Email, Id
 * and ForeignSysPersonId are not attributes: they are elements of `leadRecord`.
 */
const STANDARD_FIELDS: Array<[soapName: string, type: FieldType, restName?: string]> = [
  ["Salutation", "string"],
  ["FirstName", "string"],
  ["MiddleName", "string"],
  ["LastName", "string"],
  ["Title", "string"],
  ["Department", "string"],
  ["Company", "string"],
  ["Industry", "string"],
  ["SICCode", "string", "sicCode"],
  ["NumberOfEmployees", "integer"],
  ["AnnualRevenue", "float"],
  ["Website", "url"],
  ["Phone", "string"],
  ["MobilePhone", "string"],
  ["MainPhone", "string"],
  ["Fax", "string"],
  ["Address", "string"],
  ["City", "string"],
  ["State", "string"],
  ["PostalCode", "string"],
  ["Country", "string"],
  ["BillingStreet", "string"],
  ["BillingCity", "string"],
  ["BillingState", "string"],
  ["BillingPostalCode", "string"],
  ["BillingCountry", "string"],
  ["DateofBirth", "date", "dateOfBirth"],
  ["LeadSource", "string"],
  ["LeadStatus", "string"],
  ["LeadScore", "integer"],
  ["Rating", "string"],
  ["Priority", "integer"],
  ["Urgency", "float"],
  ["RelativeScore", "integer"],
  ["Comments", "string"],
  ["DoNotCall", "boolean"],
  ["DoNotCallReason", "string"],
  ["Unsubscribed", "boolean"],
  ["UnsubscribedReason", "string"],
  ["AnonymousIP", "string", "anonymousIP"],
  ["InferredCompany", "string"],
  ["InferredCountry", "string"],
  ["InferredCity", "string"],
  ["InferredStateRegion", "string"],
  ["InferredPostalCode", "string"],
  ["InferredMetropolitanArea", "string"],
  ["InferredPhoneAreaCode", "string"],
];

function defaultRestName(soapName: string): string {
  return soapName.charAt(0).toLowerCase() + soapName.slice(1);
}

/** Names of the standard fields, for validating configured custom fields against them. */
export const STANDARD_FIELD_NAMES: ReadonlySet<string> = new Set(STANDARD_FIELDS.map(([name]) => name));

/**
 * The set of attribute names a lead may carry. Names are matched case-sensitively, exactly as
 * Marketo's WSDL spells them.
 *
 * NOTE: values are not checked against the field's type (LeadScore "abc" is stored as sent).
 */
export class FieldCatalogue {
  readonly #bySoapName = new Map<string, FieldDefinition>();
  readonly #byRestName = new Map<string, FieldDefinition>();

  constructor(customFields: readonly CustomFieldDefinition[] = []) {
    for (const [soapName, type, restName] of STANDARD_FIELDS) {
      this.#add({ soapName, type, restName: restName ?? defaultRestName(soapName) });
    }
    for (const field of customFields) {
      this.#add({
        soapName: field.name,
        type: field.type,
        restName: field.restName ?? defaultRestName(field.name),
      });
    }
  }

  #add(field: FieldDefinition): void {
    this.#bySoapName.set(field.soapName, field);
    this.#byRestName.set(field.restName, field);
  }

  bySoapName(name: string): FieldDefinition | undefined {
    return this.#bySoapName.get(name);
  }

  byRestName(name: string): FieldDefinition | undefined {
    return this.#byRestName.get(name);
  }

  fields(): FieldDefinition[] {
    return [...this.#bySoapName.values()];
  }

  /** Throws UnknownFieldError naming every SOAP attribute name that is not in the catalogue. */
  assertKnown(soapNames: Iterable<string>): void {
    const unknown = [...new Set(soapNames)].filter((name) => !this.#bySoapName.has(name));
    if (unknown.length > 0) {
      throw new UnknownFieldError(unknown);
    }
  }
}
