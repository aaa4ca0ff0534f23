import type { EmulatorConfig } from "../config/emulator-config.ts";
import { isValidLeadId } from "../store/lead.ts";
import type { LeadStore } from "../store/lead-store.ts";
import { parseMunchkinCookie } from "../store/munchkin-cookie.ts";
import { RestError } from "./rest-reply.ts";

/**
 * Applies Associate Lead (`POST /rest/v1/leads/{id}/associate.json?cookie=…`) and returns the
 * ids of anonymous leads merged into the lead.
 *
 * The cookie then belongs to the lead. An anonymous lead that held it is merged in, its visits
 * included. A known lead that held it loses it, but its past visits stay with it, because
 * Marketo moves only new activity in that case.
 *
 * Failures throw `RestError`, which the route sends as HTTP 200 with `success: false` and
 * `errors[]`, because Marketo documents no other shape for this call. The codes: 1012 for a
 * cookie that is not in `_mkto_trk` format or belongs to another Munchkin id, 701 for a
 * missing cookie, 1004 for an unknown lead id, 610 for a path id that is not a number.
 */
export function associateLead(store: LeadStore, config: EmulatorConfig, leadIdText: string, cookie: string | undefined): number[] {
  const leadId = /^[0-9]{1,10}$/.test(leadIdText) ? Number(leadIdText) : Number.NaN;
  if (!isValidLeadId(leadId)) {
    throw new RestError(610, `Requested resource not found: '${leadIdText}' is not a lead id`);
  }

  if (cookie === undefined || cookie === "") {
    throw new RestError(701, "cookie cannot be blank");
  }
  const parsed = parseMunchkinCookie(cookie);
  if (parsed === undefined) {
    throw new RestError(1012, `Invalid cookie value '${cookie}'`);
  }
  if (parsed.munchkinId !== config.credentials.munchkinId) {
    throw new RestError(1012, `Invalid cookie value '${cookie}': it belongs to Munchkin id ${parsed.munchkinId}, not ${config.credentials.munchkinId}`);
  }

  if (store.get(leadId) === undefined) {
    throw new RestError(1004, `Lead not found: ${leadId}`);
  }
  return store.associateCookie(leadId, cookie, true);
}
