import type { EmulatorConfig } from "../config/emulator-config.ts";
import type { FieldCatalogue, FieldDefinition } from "../store/field-catalogue.ts";
import type { Lead } from "../store/lead.ts";
import type { LeadStore } from "../store/lead-store.ts";
import { partitionForAnonymousLead } from "../store/workspaces.ts";
import { checkLookupField, readLeadFields, type LeadFields } from "./read-lead-fields.ts";
import { RestError, skippedRecord, skipReason, type RecordResult, type SkipReason } from "./rest-reply.ts";

export const SYNC_ACTIONS = ["createOrUpdate", "createOnly", "updateOnly", "createDuplicate"] as const;
export type SyncAction = (typeof SYNC_ACTIONS)[number];

/** Marketo's limit on records per lead request. */
export const MAX_RECORDS_PER_CALL = 300;

export interface RestWriteContext {
  store: LeadStore;
  fields: FieldCatalogue;
  config: EmulatorConfig;
}

interface SyncSettings {
  action: SyncAction;
  lookupField: string;
  partitionName: string | undefined;
}

/**
 * Applies a Sync Leads body (`POST /rest/v1/leads.json`) and returns `result[]` in input order.
 * Request-level problems throw `RestError` and apply nothing; a bad record is skipped with its
 * 1xxx reason while the other records are applied. `asyncProcessing` is accepted and ignored:
 * every call is applied before the reply.
 */
export function syncLeads(context: RestWriteContext, body: unknown): RecordResult[] {
  const { settings, input } = readSyncBody(body);
  return input.map((record) => {
    const outcome = syncRecord(context, settings, record);
    return "code" in outcome ? skippedRecord(outcome) : outcome;
  });
}

function readSyncBody(body: unknown): { settings: SyncSettings; input: unknown[] } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RestError(1003, "Invalid data: the body must be a JSON object with 'input'");
  }
  const { action = "createOrUpdate", lookupField = "email", partitionName, input } = body as Record<string, unknown>;

  if (!(SYNC_ACTIONS as readonly unknown[]).includes(action)) {
    throw new RestError(1003, `Invalid data: action ${JSON.stringify(action)} is not one of ${SYNC_ACTIONS.join(", ")}`);
  }
  if (typeof lookupField !== "string" || lookupField === "") {
    throw new RestError(1003, "Invalid data: lookupField must be a field name such as 'email'");
  }
  if (partitionName !== undefined && typeof partitionName !== "string") {
    throw new RestError(1003, "Invalid data: partitionName must be a string");
  }
  if (!Array.isArray(input) || input.length === 0) {
    throw new RestError(701, "input cannot be blank");
  }
  if (input.length > MAX_RECORDS_PER_CALL) {
    throw new RestError(1003, `Invalid data: input has ${input.length} records; send at most ${MAX_RECORDS_PER_CALL} per call`);
  }

  return { settings: { action: action as SyncAction, lookupField, partitionName }, input };
}

/**
 * Applies one record. The rules:
 * - the lookup value must be present for createOrUpdate and updateOnly;
 * - several leads with the lookup value give 1007, none with updateOnly 1004, one with
 *   createOnly 1005;
 * - `id` is accepted with updateOnly only (1003 otherwise);
 * - `partitionName` applies to createOnly and createOrUpdate only, as Marketo documents.
 *   Blank gives 1009, a partition the instance does not have 1008, and an update of a lead in
 *   another partition 1010. Without it, new leads go to the Default workspace's primary
 *   partition.
 */
function syncRecord(context: RestWriteContext, settings: SyncSettings, record: unknown): RecordResult | SkipReason {
  const { action, lookupField } = settings;

  const lookup = checkLookupField(lookupField, action, context.fields);
  if (!lookup.ok) return lookup.reason;

  const read = readLeadFields(record, context.fields);
  if (!read.ok) return read.reason;
  const { fields } = read;

  if (fields.id !== undefined && action !== "updateOnly") {
    return skipReason(1003, `Invalid data: id is allowed only with action updateOnly, not ${action}`);
  }

  const key = lookupValue(fields, lookup.field);
  if (key === undefined && (action === "createOrUpdate" || action === "updateOnly")) {
    return skipReason(1003, `Value for lookup field '${lookupField}' not found`);
  }

  const matches = key === undefined || action === "createDuplicate" ? [] : findLeads(context.store, lookup.field, key);
  if (matches.length > 1) return skipReason(1007);
  const match = matches[0];

  const partition = targetPartition(context.config, settings);
  if (typeof partition !== "string") return partition;

  return writeRecord(context, settings, fields, match, partition);
}

function writeRecord(
  context: RestWriteContext,
  settings: SyncSettings,
  fields: LeadFields,
  match: Lead | undefined,
  partition: string,
): RecordResult | SkipReason {
  const { store } = context;

  if (match === undefined) {
    if (settings.action === "updateOnly") return skipReason(1004);
    const lead = store.insert({ email: fields.email ?? null, partition, attributes: fields.attributes });
    return { id: lead.id, status: "created" };
  }

  if (settings.action === "createOnly") return skipReason(1005);
  if (settings.action === "createOrUpdate" && settings.partitionName !== undefined && match.partition !== settings.partitionName) {
    return skipReason(1010, `Partition update not allowed: lead ${match.id} is in partition '${match.partition}'`);
  }

  const lead = store.update(match.id, { email: fields.email, anonymous: false, attributes: fields.attributes });
  return { id: lead.id, status: "updated" };
}

function lookupValue(fields: LeadFields, field: "email" | "id" | FieldDefinition): string | undefined {
  if (field === "email") return fields.email;
  if (field === "id") return fields.id === undefined ? undefined : String(fields.id);
  return fields.attributes[field.soapName];
}

/** Leads whose lookup field has `key`; e-mail addresses compare case-insensitively. */
function findLeads(store: LeadStore, field: "email" | "id" | FieldDefinition, key: string): Lead[] {
  if (field === "email") return store.findByEmail(key);
  if (field === "id") {
    const lead = store.get(Number(key));
    return lead === undefined ? [] : [lead];
  }
  return store.list().filter((lead) => lead.attributes[field.soapName] === key);
}

/** Returns the partition for new leads, or the reason `partitionName` is not usable. */
function targetPartition(config: EmulatorConfig, settings: SyncSettings): string | SkipReason {
  const { partitionName, action } = settings;
  // The Default workspace's primary partition; the helper is named for Munchkin, which uses it too.
  const honoured = action === "createOnly" || action === "createOrUpdate";
  if (partitionName === undefined || !honoured) return partitionForAnonymousLead(config);

  if (partitionName.trim() === "") return skipReason(1009);
  if (!config.partitions.includes(partitionName)) {
    return skipReason(1008, `Access denied to partition '${partitionName}'`);
  }
  return partitionName;
}
