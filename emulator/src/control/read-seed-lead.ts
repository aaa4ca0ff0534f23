import {
  ConfigError,
  readArray,
  readBoolean,
  readEnum,
  readInteger,
  readObject,
  readString,
  isObject,
} from "../config/config-error.ts";
import type { EmulatorConfig } from "../config/emulator-config.ts";
import type { FieldCatalogue } from "../store/field-catalogue.ts";
import { FOREIGN_SYS_TYPES, MAX_LEAD_ID, type Visit } from "../store/lead.ts";
import type { NewLead } from "../store/lead-store.ts";
import { partitionForAnonymousLead } from "../store/workspaces.ts";

const SEED_KEYS = [
  "id",
  "email",
  "foreignSysPersonId",
  "foreignSysType",
  "anonymous",
  "partition",
  "cookies",
  "attributes",
  "visits",
] as const;

/**
 * Validates the body of `POST /_emulator/leads`. Every field is optional; `partition` defaults
 * to the Default workspace's primary partition, `anonymous` to false, and `foreignSysType` to
 * CUSTOM when a foreign id is given. Attribute names must be known fields.
 */
export function readSeedLead(value: unknown, config: EmulatorConfig, fields: FieldCatalogue): NewLead {
  const body = readObject(value, "lead", SEED_KEYS);
  const lead: NewLead = {
    partition: body.partition === undefined ? partitionForAnonymousLead(config) : readString(body.partition, "lead.partition"),
  };

  if (!config.partitions.includes(lead.partition)) {
    throw new ConfigError(`lead.partition: '${lead.partition}' is not in config.partitions; add it through /_emulator/config first`);
  }
  if (body.id !== undefined) {
    lead.id = readInteger(body.id, "lead.id", 1, MAX_LEAD_ID);
  }
  if (body.email !== undefined && body.email !== null) {
    lead.email = readString(body.email, "lead.email");
  }
  if (body.foreignSysPersonId !== undefined && body.foreignSysPersonId !== null) {
    lead.foreignSysPersonId = readString(body.foreignSysPersonId, "lead.foreignSysPersonId");
    lead.foreignSysType =
      body.foreignSysType === undefined ? "CUSTOM" : readEnum(body.foreignSysType, "lead.foreignSysType", FOREIGN_SYS_TYPES);
  }
  if (body.anonymous !== undefined) {
    lead.anonymous = readBoolean(body.anonymous, "lead.anonymous");
  }
  if (body.cookies !== undefined) {
    lead.cookies = readArray(body.cookies, "lead.cookies").map((cookie, index) => readString(cookie, `lead.cookies[${index}]`));
  }
  if (body.attributes !== undefined) {
    lead.attributes = readAttributes(body.attributes, fields);
  }
  if (body.visits !== undefined) {
    lead.visits = readArray(body.visits, "lead.visits").map((visit, index) =>
      readVisit(visit, `lead.visits[${index}]`, lead.cookies?.[0] ?? null),
    );
  }
  return lead;
}

function readAttributes(value: unknown, fields: FieldCatalogue): Record<string, string> {
  if (!isObject(value)) {
    throw new ConfigError(`lead.attributes: expected an object of SOAP field names to strings, got ${JSON.stringify(value)}`);
  }
  const unknown = Object.keys(value).filter((name) => fields.bySoapName(name) === undefined);
  if (unknown.length > 0) {
    throw new ConfigError(
      `lead.attributes: unknown fields ${unknown.join(", ")}; use SOAP field names such as FirstName, or add custom fields through /_emulator/config`,
    );
  }

  const attributes: Record<string, string> = {};
  for (const [name, attributeValue] of Object.entries(value)) {
    if (typeof attributeValue !== "string") {
      throw new ConfigError(`lead.attributes.${name}: expected a string, got ${JSON.stringify(attributeValue)}`);
    }
    attributes[name] = attributeValue;
  }
  return attributes;
}

function readVisit(value: unknown, path: string, defaultCookie: string | null): Visit {
  const visit = readObject(value, path, ["url", "referrer", "at", "cookie"]);
  const at = visit.at === undefined ? new Date().toISOString() : readString(visit.at, `${path}.at`);
  if (Number.isNaN(Date.parse(at))) {
    throw new ConfigError(`${path}.at: expected an ISO 8601 time, got ${JSON.stringify(at)}`);
  }
  return {
    url: readString(visit.url, `${path}.url`),
    referrer: visit.referrer === undefined || visit.referrer === null ? null : readString(visit.referrer, `${path}.referrer`),
    at: new Date(at).toISOString(),
    cookie: visit.cookie === undefined ? defaultCookie : readString(visit.cookie, `${path}.cookie`),
  };
}
