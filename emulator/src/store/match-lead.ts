import { LeadNotFoundError } from "./errors.ts";
import { sameEmail, type Lead } from "./lead.ts";
import type { LeadStore } from "./lead-store.ts";

/** The identifiers of a syncLead request, as sent. */
export interface LeadKeys {
  id?: number;
  foreignSysPersonId?: string;
  cookie?: string;
  email?: string;
}

export type MatchKey = "id" | "foreignSysPersonId" | "cookie" | "email";

export interface LeadMatch {
  lead: Lead;
  matchedBy: MatchKey;
}

/**
 * Finds the lead a syncLead request updates, or undefined when it inserts a new one.
 *
 * Precedence is Id, then ForeignSysPersonId, then the cookie, then Email. Marketo documents
 * Id over everything and the foreign id over Email; the cookie's rank is our choice. Further
 * rules, all chosen because Marketo does not document them:
 * - An Id that matches nothing raises LeadNotFoundError instead of inserting.
 * - A ForeignSysPersonId that matches nothing falls through to the cookie and Email, skipping
 *   leads that hold a different foreign id (it is a unique key).
 * - A cookie held by an anonymous lead yields to an Email that matches a known lead: the
 *   visitor is that known person, and the caller merges the anonymous lead into it.
 * - A cookie held by a known lead with a different e-mail (a shared computer) does not match:
 *   the Email decides, so one person's address is never overwritten by another's.
 * - Several leads with the Email: the lowest id (the oldest lead) wins.
 */
export function matchLead(store: LeadStore, keys: LeadKeys): LeadMatch | undefined {
  if (keys.id !== undefined) {
    const lead = store.get(keys.id);
    if (lead === undefined) {
      throw new LeadNotFoundError("IDNUM", String(keys.id));
    }
    return { lead, matchedBy: "id" };
  }

  if (keys.foreignSysPersonId !== undefined) {
    const lead = store.findByForeignSysPersonId(keys.foreignSysPersonId);
    if (lead !== undefined) {
      return { lead, matchedBy: "foreignSysPersonId" };
    }
  }

  const compatible = (lead: Lead): boolean =>
    keys.foreignSysPersonId === undefined || lead.foreignSysPersonId === null;

  const byEmail =
    keys.email === undefined
      ? undefined
      : store.findByEmail(keys.email).filter((lead) => !lead.anonymous && compatible(lead))[0];

  if (keys.cookie !== undefined) {
    const holder = store.findByCookie(keys.cookie);
    if (holder !== undefined && compatible(holder)) {
      if (holder.anonymous && byEmail === undefined) {
        return { lead: holder, matchedBy: "cookie" };
      }
      if (!holder.anonymous && !emailConflicts(holder, keys.email)) {
        return { lead: holder, matchedBy: "cookie" };
      }
    }
  }

  return byEmail === undefined ? undefined : { lead: byEmail, matchedBy: "email" };
}

function emailConflicts(lead: Lead, email: string | undefined): boolean {
  return email !== undefined && lead.email !== null && !sameEmail(lead.email, email);
}
