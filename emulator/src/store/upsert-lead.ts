import { LeadConflictError, MissingParameterError } from "./errors.ts";
import type { FieldCatalogue } from "./field-catalogue.ts";
import type { ForeignSysType, Lead } from "./lead.ts";
import type { LeadStore } from "./lead-store.ts";
import { matchLead, type MatchKey } from "./match-lead.ts";
import {
  assertInNamedWorkspace,
  partitionForNewLead,
  resolveWorkspaceTarget,
  type WorkspaceSettings,
  type WorkspaceTarget,
} from "./workspaces.ts";

/** One syncLead write, independent of the transport that carried it. */
export interface UpsertRequest {
  id?: number;
  email?: string;
  foreignSysPersonId?: string;
  foreignSysType?: ForeignSysType;
  /** Attribute values keyed by SOAP field name. */
  attributes: Record<string, string>;
  /** Full `_mkto_trk` value. */
  cookie?: string;
  /** Whether a cookie already associated with another known lead moves to this one (SOAP 3_1 `moveCookie`). */
  moveCookie: boolean;
  /** `targetWorkspace` of the context header; undefined when the header is absent. */
  targetWorkspace?: string;
}

export interface UpsertResult {
  lead: Lead;
  status: "created" | "updated";
  /** Key that found the lead; null for an insert. */
  matchedBy: MatchKey | null;
  /** Ids of anonymous leads merged into `lead` through the cookie. */
  mergedLeadIds: number[];
}

export interface UpsertContext {
  store: LeadStore;
  fields: FieldCatalogue;
  workspaces: WorkspaceSettings;
}

/**
 * Inserts or updates one lead with Marketo's syncLead rules (see matchLead for the key
 * precedence). Every check runs before the first write, so a rejected request changes nothing.
 */
export function upsertLead(context: UpsertContext, request: UpsertRequest): UpsertResult {
  const { store } = context;

  const target = resolveWorkspaceTarget(context.workspaces, request.targetWorkspace);

  context.fields.assertKnown(Object.keys(request.attributes));

  assertHasLeadKey(request);

  const match = matchLead(store, request);
  if (match !== undefined && match.matchedBy !== "email") {
    assertInNamedWorkspace(target, match.lead, match.matchedBy);
  }

  assertForeignIdFree(store, request, match?.lead.id);

  const lead = writeLead(store, request, match?.lead.id, target);

  const mergedLeadIds =
    request.cookie === undefined
      ? []
      : store.associateCookie(lead.id, request.cookie, request.moveCookie);

  return {
    lead: store.get(lead.id) ?? lead,
    status: match === undefined ? "created" : "updated",
    matchedBy: match?.matchedBy ?? null,
    mergedLeadIds,
  };
}

function assertHasLeadKey(request: UpsertRequest): void {
  if (
    request.id === undefined &&
    request.email === undefined &&
    request.foreignSysPersonId === undefined &&
    request.cookie === undefined
  ) {
    throw new MissingParameterError(
      "missing lead key: send leadRecord/Id, Email or ForeignSysPersonId, or a marketoCookie",
    );
  }
}

/** ForeignSysPersonId is a unique key: another lead may not have the value being written. */
function assertForeignIdFree(store: LeadStore, request: UpsertRequest, matchedId: number | undefined): void {
  if (request.foreignSysPersonId === undefined) {
    return;
  }
  const holder = store.findByForeignSysPersonId(request.foreignSysPersonId);
  if (holder !== undefined && holder.id !== matchedId) {
    throw new LeadConflictError(
      `ForeignSysPersonId '${request.foreignSysPersonId}' already belongs to lead ${holder.id}`,
    );
  }
}

/** Inserts a lead in the partition the workspace rules pick, or updates the matched one. */
function writeLead(
  store: LeadStore,
  request: UpsertRequest,
  matchedId: number | undefined,
  target: WorkspaceTarget,
): Lead {
  if (matchedId === undefined) {
    return store.insert({
      email: request.email ?? null,
      foreignSysPersonId: request.foreignSysPersonId ?? null,
      foreignSysType: request.foreignSysType ?? null,
      partition: partitionForNewLead(target, request.attributes),
      attributes: request.attributes,
    });
  }

  return store.update(matchedId, {
    email: request.email,
    foreignSysPersonId: request.foreignSysPersonId,
    foreignSysType: request.foreignSysType,
    anonymous: false,
    attributes: request.attributes,
  });
}
