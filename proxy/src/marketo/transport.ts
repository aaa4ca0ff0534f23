/**
 * The transport-neutral contract between the HTTP app and Marketo, implemented by the SOAP
 * transport (`soap/`) and the REST transport (`rest/`).
 */

import type { Logger } from '../log.js';

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
  /** How the REST transport delivers the lead; SOAP ignores it. Default `DEFAULT_REST_DELIVERY`. */
  rest?: RestDelivery;
  /** The visitor's page and browser, sent by REST Submit Form; the other paths ignore it. */
  visitor?: VisitorData;
}

/**
 * The REST call that carries a form's leads:
 * - `syncLeads`: Sync Leads (createOrUpdate, matched by `lookupField`), then Associate Lead
 *   with the cookie;
 * - `submitForm`: one Submit Form call on the Marketo form `formId`, cookie included. It
 *   records a "Fill out Form" activity, and email is always the key.
 */
export type RestDelivery =
  | { mode: 'syncLeads'; lookupField: string }
  | { mode: 'submitForm'; formId: number; programId?: number };

/** Sync Leads matched by email, Marketo's standard key field. */
export const DEFAULT_REST_DELIVERY = { mode: 'syncLeads', lookupField: 'email' } as const satisfies RestDelivery;

/** Submit Form's `visitorData`; each part is left out when unknown. */
export interface VisitorData {
  /** Full http(s) URL of the page that sent the form. */
  pageUrl?: string;
  /** Query string of that page without the leading `?`. */
  queryString?: string;
  userAgent?: string;
  /** The visitor's IPv4 address; Marketo derives the inferred fields from it. */
  clientIp?: string;
}

export interface SyncOutcome {
  leadId: number;
  status: 'created' | 'updated';
  /**
   * Whether Marketo joined the cookie to the lead, set by the REST transport when a cookie was
   * sent. SOAP sends the cookie inside `syncLead`, so its success is the call's success.
   */
  cookieAssociation?: 'associated' | 'failed';
}

export interface SyncOptions {
  /** Aborts the upstream request, e.g. when the visitor disconnects. */
  signal?: AbortSignal;
  /** Logger with the submission's ids for the transport's own lines (retries). Default: the transport's. */
  log?: Logger;
}

/** Sends one lead to Marketo. Failures throw `MarketoError` (or `EnvelopeError` before sending). */
export interface LeadTransport {
  syncLead(lead: LeadSync, options?: SyncOptions): Promise<SyncOutcome>;
}
