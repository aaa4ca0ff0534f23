/** Values of `leadRecord/ForeignSysType` in Marketo's WSDL. */
export const FOREIGN_SYS_TYPES = ["CUSTOM", "SFDC", "NETSUITE"] as const;
export type ForeignSysType = (typeof FOREIGN_SYS_TYPES)[number];

/** A page view reported by the Munchkin stand-in. */
export interface Visit {
  url: string;
  referrer: string | null;
  /** ISO 8601 time the emulator recorded the visit. */
  at: string;
  /** The full `_mkto_trk` value the visit was reported with; null for seeded visits without one. */
  cookie: string | null;
}

/**
 * A person in the lead database. Attribute names are Marketo's SOAP field names
 * (`FirstName`); the REST names live in the field catalogue.
 */
export interface Lead {
  /** Marketo lead id, always inside the signed 32-bit range that SOAP `xs:int` allows. */
  id: number;
  email: string | null;
  foreignSysPersonId: string | null;
  foreignSysType: ForeignSysType | null;
  /** True while the lead is known only through a Munchkin cookie. */
  anonymous: boolean;
  /** Person partition the lead lives in. */
  partition: string;
  /** Full `_mkto_trk` values (`id:…&token:…`) associated with this lead. */
  cookies: string[];
  /** Attribute values keyed by SOAP field name, stored exactly as received. */
  attributes: Record<string, string>;
  visits: Visit[];
  createdAt: string;
  updatedAt: string;
}

/** Largest id a SOAP `xs:int` can carry. */
export const MAX_LEAD_ID = 2_147_483_647;

export function isValidLeadId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= MAX_LEAD_ID;
}

/**
 * Compares e-mail addresses the way the emulator matches them: case-insensitively, because
 * mailbox providers treat `Ana@Example.test` and `ana@example.test` as one address.
 */
export function sameEmail(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function cloneLead(lead: Lead): Lead {
  return structuredClone(lead);
}
