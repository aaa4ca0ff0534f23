import { InvalidLeadInputError, LeadConflictError } from "./errors.ts";
import {
  cloneLead,
  isValidLeadId,
  MAX_LEAD_ID,
  sameEmail,
  type ForeignSysType,
  type Lead,
  type Visit,
} from "./lead.ts";

/** Fields of a lead to insert. Omitted fields get empty values; `id` is allocated if absent. */
export interface NewLead {
  id?: number;
  email?: string | null;
  foreignSysPersonId?: string | null;
  foreignSysType?: ForeignSysType | null;
  anonymous?: boolean;
  partition: string;
  cookies?: string[];
  attributes?: Record<string, string>;
  visits?: Visit[];
}

/** Changes to a stored lead. Attributes are merged; other given fields replace. */
export interface LeadChanges {
  email?: string;
  foreignSysPersonId?: string;
  foreignSysType?: ForeignSysType;
  anonymous?: boolean;
  attributes?: Record<string, string>;
}

export interface LeadStoreOptions {
  /** Source of `createdAt`, `updatedAt` and visit times. Default: the system clock. */
  clock?: () => Date;
  /** First id handed out. Default: 1001. */
  firstId?: number;
}

/**
 * In-memory lead database shared by the SOAP and REST layers. It keeps the invariants that
 * hold for every transport: ids unique and inside the 32-bit range, a cookie held by at most
 * one lead, a ForeignSysPersonId held by at most one lead. Reads return copies, so callers
 * change leads only through these methods.
 */
export class LeadStore {
  readonly #leads = new Map<number, Lead>();
  readonly #clock: () => Date;
  readonly #firstId: number;
  #nextId: number;

  constructor(options: LeadStoreOptions = {}) {
    this.#clock = options.clock ?? (() => new Date());
    this.#firstId = options.firstId ?? 1001;
    this.#nextId = this.#firstId;
  }

  now(): string {
    return this.#clock().toISOString();
  }

  /** Returns every lead, in id order. */
  list(): Lead[] {
    return [...this.#leads.values()].sort((a, b) => a.id - b.id).map(cloneLead);
  }

  get(id: number): Lead | undefined {
    const lead = this.#leads.get(id);
    return lead === undefined ? undefined : cloneLead(lead);
  }

  findByForeignSysPersonId(foreignSysPersonId: string): Lead | undefined {
    return this.#find((lead) => lead.foreignSysPersonId === foreignSysPersonId);
  }

  /** Returns the lead associated with this exact `_mkto_trk` value. */
  findByCookie(cookie: string): Lead | undefined {
    return this.#find((lead) => lead.cookies.includes(cookie));
  }

  /** Leads with this e-mail address (compared case-insensitively), in id order. */
  findByEmail(email: string): Lead[] {
    // Filters before copying: copying and sorting every lead made each lookup cost the whole store.
    return [...this.#leads.values()]
      .filter((lead) => lead.email !== null && sameEmail(lead.email, email))
      .sort((a, b) => a.id - b.id)
      .map(cloneLead);
  }

  #find(predicate: (lead: Lead) => boolean): Lead | undefined {
    for (const lead of this.#leads.values()) {
      if (predicate(lead)) {
        return cloneLead(lead);
      }
    }
    return undefined;
  }

  /** Inserts a lead and returns it. A given id must be free; cookies and foreign id unique. */
  insert(input: NewLead): Lead {
    const id = input.id ?? this.#allocateId();
    if (!isValidLeadId(id)) {
      throw new InvalidLeadInputError(`lead id ${id} is invalid: use an integer from 1 to ${MAX_LEAD_ID}`);
    }
    if (this.#leads.has(id)) {
      throw new LeadConflictError(`lead id ${id} is already taken: choose another id or reset first`);
    }

    const cookies = [...new Set(input.cookies ?? [])];
    for (const cookie of cookies) {
      this.#assertCookieFree(cookie, id);
    }
    if (input.foreignSysPersonId) {
      this.#assertForeignIdFree(input.foreignSysPersonId, id);
    }

    const now = this.now();
    const lead: Lead = {
      id,
      email: input.email ?? null,
      foreignSysPersonId: input.foreignSysPersonId ?? null,
      foreignSysType: input.foreignSysType ?? null,
      anonymous: input.anonymous ?? false,
      partition: input.partition,
      cookies,
      attributes: { ...input.attributes },
      visits: [...(input.visits ?? [])],
      createdAt: now,
      updatedAt: now,
    };
    this.#leads.set(id, lead);
    return cloneLead(lead);
  }

  update(id: number, changes: LeadChanges): Lead {
    const lead = this.#require(id);
    if (changes.foreignSysPersonId !== undefined) {
      this.#assertForeignIdFree(changes.foreignSysPersonId, id);
      lead.foreignSysPersonId = changes.foreignSysPersonId;
    }
    if (changes.foreignSysType !== undefined) {
      lead.foreignSysType = changes.foreignSysType;
    }
    if (changes.email !== undefined) {
      lead.email = changes.email;
    }
    if (changes.anonymous !== undefined) {
      lead.anonymous = changes.anonymous;
    }
    Object.assign(lead.attributes, changes.attributes);
    lead.updatedAt = this.now();
    return cloneLead(lead);
  }

  /**
   * Associates a cookie with a lead. An anonymous lead that has the cookie is merged into the
   * target. A known lead that has it keeps it unless `moveFromKnownLead` is set. Then the
   * cookie moves, and its past visits stay where they were recorded.
   * Returns the ids of leads merged away.
   */
  associateCookie(targetId: number, cookie: string, moveFromKnownLead: boolean): number[] {
    const target = this.#require(targetId);
    const holder = [...this.#leads.values()].find((lead) => lead.cookies.includes(cookie));

    if (holder === undefined) {
      target.cookies.push(cookie);
      target.updatedAt = this.now();
      return [];
    }
    if (holder.id === targetId) {
      return [];
    }
    if (holder.anonymous) {
      this.#merge(holder, target);
      return [holder.id];
    }
    if (moveFromKnownLead) {
      holder.cookies = holder.cookies.filter((held) => held !== cookie);
      holder.updatedAt = this.now();
      target.cookies.push(cookie);
      target.updatedAt = this.now();
    }
    return [];
  }

  /** Moves an anonymous lead's cookies, visits and unset attributes to `target`, then deletes it. */
  #merge(source: Lead, target: Lead): void {
    for (const cookie of source.cookies) {
      if (!target.cookies.includes(cookie)) {
        target.cookies.push(cookie);
      }
    }
    target.visits = [...target.visits, ...source.visits].sort((a, b) => a.at.localeCompare(b.at));
    target.attributes = { ...source.attributes, ...target.attributes };
    target.updatedAt = this.now();
    this.#leads.delete(source.id);
  }

  /**
   * Records a page visit on the lead holding the cookie, creating an anonymous lead in
   * `partitionForNewLead` on the cookie's first visit.
   */
  recordVisit(cookie: string, visit: Omit<Visit, "at" | "cookie">, partitionForNewLead: string): Lead {
    const entry: Visit = { ...visit, at: this.now(), cookie };
    const holder = [...this.#leads.values()].find((lead) => lead.cookies.includes(cookie));
    if (holder === undefined) {
      return this.insert({
        anonymous: true,
        partition: partitionForNewLead,
        cookies: [cookie],
        visits: [entry],
      });
    }

    holder.visits.push(entry);
    holder.updatedAt = entry.at;
    return cloneLead(holder);
  }

  /** Deletes every lead and restarts id allocation. */
  clear(): void {
    this.#leads.clear();
    this.#nextId = this.#firstId;
  }

  #require(id: number): Lead {
    const lead = this.#leads.get(id);
    if (lead === undefined) {
      throw new InvalidLeadInputError(`lead ${id} does not exist`);
    }
    return lead;
  }

  #allocateId(): number {
    while (this.#leads.has(this.#nextId)) {
      this.#nextId += 1;
    }
    if (this.#nextId > MAX_LEAD_ID) {
      throw new LeadConflictError(`no lead id left below ${MAX_LEAD_ID}: reset the emulator`);
    }
    const id = this.#nextId;
    this.#nextId += 1;
    return id;
  }

  #assertCookieFree(cookie: string, ownerId: number): void {
    const holder = [...this.#leads.values()].find((lead) => lead.cookies.includes(cookie));
    if (holder !== undefined && holder.id !== ownerId) {
      throw new LeadConflictError(`cookie is already held by lead ${holder.id}`);
    }
  }

  #assertForeignIdFree(foreignSysPersonId: string, ownerId: number): void {
    const holder = [...this.#leads.values()].find(
      (lead) => lead.foreignSysPersonId === foreignSysPersonId,
    );
    if (holder !== undefined && holder.id !== ownerId) {
      throw new LeadConflictError(
        `ForeignSysPersonId '${foreignSysPersonId}' already belongs to lead ${holder.id}`,
      );
    }
  }
}
