import type { EmulatorConfig } from "../config/emulator-config.ts";
import { isValidLeadId } from "../store/lead.ts";
import type { LeadStore } from "../store/lead-store.ts";
import { parseMunchkinCookie } from "../store/munchkin-cookie.ts";
import { partitionForAnonymousLead } from "../store/workspaces.ts";
import { readLeadFields } from "./read-lead-fields.ts";
import { RestError, skippedRecord, skipReason, type RecordResult, type SkipReason } from "./rest-reply.ts";
import { MAX_RECORDS_PER_CALL, type RestWriteContext } from "./sync-leads.ts";

const VISITOR_DATA_KEYS = ["pageURL", "queryString", "leadClientIpAddress", "userAgentString"];

/**
 * Applies a Submit Form body (`POST /rest/v1/leads/submitForm.json`) and returns `result[]`.
 *
 * The emulator has no form assets: every positive `formId` names a form that has every field
 * of the catalogue. Each `input[]` item upserts by `email` (required, 1002 without it): the
 * known lead with the lowest id is updated, as syncLead does, otherwise a lead is created in
 * the Default workspace's primary partition. A `cookie` is then associated as Associate Lead
 * does. An unknown field skips the whole item with 1006, a cookie not in `_mkto_trk` format
 * or of another Munchkin id with 1012; either way nothing of the item is applied. `visitorData`
 * members must be strings and are otherwise not kept.
 */
export function submitForm(context: RestWriteContext, body: unknown): RecordResult[] {
  const input = readSubmitFormBody(body);
  return input.map((item) => {
    const outcome = submitItem(context, item);
    return "code" in outcome ? skippedRecord(outcome) : outcome;
  });
}

function readSubmitFormBody(body: unknown): unknown[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new RestError(1003, "Invalid data: the body must be a JSON object with 'formId' and 'input'");
  }
  const { formId, programId, input } = body as Record<string, unknown>;

  if (formId === undefined) {
    throw new RestError(701, "formId cannot be blank");
  }
  if (typeof formId !== "number" || !isValidLeadId(formId)) {
    throw new RestError(1003, `Invalid data: formId must be a positive integer, got ${JSON.stringify(formId)}`);
  }
  if (programId !== undefined && (typeof programId !== "number" || !isValidLeadId(programId))) {
    throw new RestError(1003, `Invalid data: programId must be a positive integer, got ${JSON.stringify(programId)}`);
  }
  if (!Array.isArray(input) || input.length === 0) {
    throw new RestError(701, "input cannot be blank");
  }
  if (input.length > MAX_RECORDS_PER_CALL) {
    throw new RestError(1003, `Invalid data: input has ${input.length} items; send at most ${MAX_RECORDS_PER_CALL} per call`);
  }
  return input;
}

function submitItem(context: RestWriteContext, item: unknown): RecordResult | SkipReason {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return skipReason(1003, "Invalid data: each input item must be an object with 'leadFormFields'");
  }
  const { leadFormFields, visitorData, cookie } = item as Record<string, unknown>;

  const read = readLeadFields(leadFormFields ?? {}, context.fields);
  if (!read.ok) return read.reason;
  const { email, id, attributes } = read.fields;
  if (id !== undefined) return skipReason(1006, "Field 'id' not found");
  if (email === undefined || email === "") return skipReason(1002, "Missing value for the required parameter 'email'");

  const visitorProblem = checkVisitorData(visitorData);
  if (visitorProblem !== undefined) return visitorProblem;

  const cookieProblem = checkCookie(cookie, context.config);
  if (cookieProblem !== undefined) return cookieProblem;

  return writeSubmission(context.store, context.config, email, attributes, cookie as string | undefined);
}

function writeSubmission(
  store: LeadStore,
  config: EmulatorConfig,
  email: string,
  attributes: Record<string, string>,
  cookie: string | undefined,
): RecordResult {
  const match = store.findByEmail(email)[0];
  const lead =
    match === undefined
      ? store.insert({ email, partition: partitionForAnonymousLead(config), attributes })
      : store.update(match.id, { email, anonymous: false, attributes });

  if (cookie !== undefined) {
    store.associateCookie(lead.id, cookie, true);
  }
  return { id: lead.id, status: match === undefined ? "created" : "updated" };
}

function checkVisitorData(value: unknown): SkipReason | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return skipReason(1003, "Invalid data: visitorData must be an object");
  }
  for (const key of VISITOR_DATA_KEYS) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && typeof member !== "string") {
      return skipReason(1003, `Invalid data: visitorData.${key} must be a string`);
    }
  }
  return undefined;
}

function checkCookie(cookie: unknown, config: EmulatorConfig): SkipReason | undefined {
  if (cookie === undefined) return undefined;
  const parsed = typeof cookie === "string" ? parseMunchkinCookie(cookie) : undefined;
  if (parsed === undefined || parsed.munchkinId !== config.credentials.munchkinId) {
    return skipReason(1012, `Invalid cookie value '${String(cookie)}'`);
  }
  return undefined;
}
