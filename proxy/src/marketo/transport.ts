/**
 * The transport-neutral contract between the HTTP app and Marketo. The SOAP transport
 * implements it today; a REST transport implements the same interface.
 */

export type ForeignSysType = 'CUSTOM' | 'SFDC' | 'NETSUITE';

export const FOREIGN_SYS_TYPES: readonly ForeignSysType[] = ['CUSTOM', 'SFDC', 'NETSUITE'];

export interface LeadAttribute {
  /** Marketo field name in the transport's spelling (SOAP `FirstName`, REST `firstName`). */
  name: string;
  /** Marketo attribute type such as `string` or `boolean`; omitted lets Marketo use the field's type. */
  type?: string;
  value: string;
}

/** One lead to insert or update. Marketo matches it by id, foreign system id, cookie or email. */
export interface LeadSync {
  /** Marketo lead id; must be a positive 32-bit integer. */
  id?: number;
  email?: string;
  foreignSysPersonId?: string;
  /** Sent whenever `foreignSysPersonId` is; transports default it to `CUSTOM`. */
  foreignSysType?: ForeignSysType;
  attributes: LeadAttribute[];
  /** The full `_mkto_trk` value, `id:<munchkin-id>&token:<token>`, already checked by the caller. */
  cookie?: string;
}

export interface SyncOutcome {
  leadId: number;
  status: 'created' | 'updated';
}

export interface SyncOptions {
  /** Aborts the upstream request, e.g. when the visitor disconnects. */
  signal?: AbortSignal;
}

/** Sends one lead to Marketo. Failures throw `MarketoError` (or `EnvelopeError` before sending). */
export interface LeadTransport {
  syncLead(lead: LeadSync, options?: SyncOptions): Promise<SyncOutcome>;
}
