import { STANDARD_FIELD_NAMES, type FieldCatalogue, type FieldDefinition, type FieldType } from "../store/field-catalogue.ts";
import { isValidLeadId } from "../store/lead.ts";
import { skipReason, type SkipReason } from "./rest-reply.ts";

/** A REST lead object turned into the store's terms. */
export interface LeadFields {
  id?: number;
  email?: string;
  /** Values keyed by SOAP field name, the store's canonical names. */
  attributes: Record<string, string>;
}

export type LeadFieldsResult = { ok: true; fields: LeadFields } | { ok: false; reason: SkipReason };

/**
 * Reads a REST lead object (`input[]` of Sync Leads, `leadFormFields` of Submit Form). Names
 * are REST API names; each known one is stored under its SOAP name, through the field
 * catalogue, so SOAP and REST see one record. `email` and `id` are lead keys, not attributes.
 *
 * Skips the record with 1006 for the first unknown field and with 1001 for a value of the
 * wrong type. `cookies` skips it with 1003. On Marketo that field stores the Munchkin token but
 * drops the visitor's anonymous history, so the emulator rejects it to expose such a client.
 */
export function readLeadFields(value: unknown, catalogue: FieldCatalogue): LeadFieldsResult {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: skipReason(1003, "Invalid data: a lead must be a JSON object") };
  }

  const fields: LeadFields = { attributes: {} };
  for (const [name, raw] of Object.entries(value)) {
    const reason = readField(fields, name, raw, catalogue);
    if (reason !== undefined) {
      return { ok: false, reason };
    }
  }
  return { ok: true, fields };
}

function readField(fields: LeadFields, name: string, raw: unknown, catalogue: FieldCatalogue): SkipReason | undefined {
  if (name === "email") {
    const email = storedValue(raw, "email");
    if (email === undefined) {
      return invalidValue(raw, "email");
    }
    fields.email = email;
    return undefined;
  }

  if (name === "id") {
    const id = typeof raw === "number" ? raw : Number.NaN;
    if (!isValidLeadId(id)) {
      return invalidValue(raw, "integer");
    }
    fields.id = id;
    return undefined;
  }

  if (name === "cookies") {
    return skipReason(1003, "Invalid data: 'cookies' is not accepted here, because it would drop the anonymous history; use Associate Lead");
  }

  const definition = catalogue.byRestName(name);
  if (definition === undefined) {
    return skipReason(1006, `Field '${name}' not found`);
  }
  const stored = storedValue(raw, definition.type);
  if (stored === undefined) {
    return invalidValue(raw, definition.type);
  }
  fields.attributes[definition.soapName] = stored;
  return undefined;
}

function invalidValue(raw: unknown, type: string): SkipReason {
  return skipReason(1001, `Invalid value '${describe(raw)}'. Required of type '${type}'`);
}

/**
 * Converts a JSON value to the string the store keeps, or undefined when it does not fit the
 * field type. `null` clears a field, as it does on Marketo.
 */
function storedValue(raw: unknown, type: FieldType): string | undefined {
  if (raw === null) {
    return "";
  }
  switch (type) {
    case "boolean":
      if (typeof raw === "boolean") return String(raw);
      return raw === "true" || raw === "false" ? raw : undefined;
    case "integer":
      if (typeof raw === "number") return Number.isInteger(raw) ? String(raw) : undefined;
      return typeof raw === "string" && /^-?[0-9]+$/.test(raw) ? raw : undefined;
    case "float":
      if (typeof raw === "number") return Number.isFinite(raw) ? String(raw) : undefined;
      return typeof raw === "string" && raw.trim() !== "" && Number.isFinite(Number(raw)) ? raw : undefined;
    default:
      if (typeof raw === "string") return raw;
      return typeof raw === "number" || typeof raw === "boolean" ? String(raw) : undefined;
  }
}

function describe(raw: unknown): string {
  const text = typeof raw === "string" ? raw : JSON.stringify(raw) ?? String(raw);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Fields a Sync Leads `lookupField` may name, with the reason when it may not. */
export type LookupFieldCheck = { ok: true; field: "email" | "id" | FieldDefinition } | { ok: false; reason: SkipReason };

/**
 * Checks a `lookupField`: `email`, `id` (updateOnly only) and custom fields of a text or
 * integer type. Standard fields such as `firstName` give 1011, as Marketo documents.
 */
export function checkLookupField(name: string, action: string, catalogue: FieldCatalogue): LookupFieldCheck {
  if (name === "email") {
    return { ok: true, field: "email" };
  }
  if (name === "id") {
    return action === "updateOnly"
      ? { ok: true, field: "id" }
      : { ok: false, reason: skipReason(1003, `Invalid data: lookupField 'id' is allowed only with action updateOnly, not ${action}`) };
  }

  const definition = catalogue.byRestName(name);
  if (definition === undefined) {
    return { ok: false, reason: skipReason(1006, `Field '${name}' not found`) };
  }
  const lookupTypes: readonly FieldType[] = ["string", "email", "integer", "url"];
  if (STANDARD_FIELD_NAMES.has(definition.soapName) || !lookupTypes.includes(definition.type)) {
    return { ok: false, reason: skipReason(1011, `Field '${name}' not supported`) };
  }
  return { ok: true, field: definition };
}
