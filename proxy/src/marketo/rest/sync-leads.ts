import type { LeadSync, SyncOutcome } from '../transport.js';
import { buildLeadRecord, type RestLeadRecord } from './lead-record.js';
import { readRecordResult } from './read-record-result.js';
import type { RestClient } from './rest-client.js';

export const SYNC_LEADS_PATH = '/rest/v1/leads.json';

export interface SyncLeadsSettings {
  /** REST name of the field that identifies the lead, e.g. `email`. */
  lookupField: string;
  /** Person partition for new leads (`MARKETO_PARTITION`); undefined uses the default partition. */
  partitionName: string | undefined;
}

export interface SyncLeadsBody {
  action: 'createOrUpdate';
  lookupField: string;
  partitionName?: string;
  input: [RestLeadRecord];
}

/** Builds the Sync Leads body for one lead: createOrUpdate, matched by `lookupField`. */
export function buildSyncLeadsBody(lead: LeadSync, settings: SyncLeadsSettings): SyncLeadsBody {
  return {
    action: 'createOrUpdate',
    lookupField: settings.lookupField,
    ...(settings.partitionName !== undefined && { partitionName: settings.partitionName }),
    input: [buildLeadRecord(lead)],
  };
}

/**
 * Inserts or updates one lead with Sync Leads. Failures are thrown without backoff retries:
 * the delivery layer's retry policy resends the whole delivery, one at a time per e-mail
 * address, because upserts of one key that overlap can create duplicate leads.
 */
export async function syncLeads(client: RestClient, lead: LeadSync, settings: SyncLeadsSettings, signal?: AbortSignal): Promise<SyncOutcome> {
  const reply = await client.post(
    { operation: 'Sync Leads', path: SYNC_LEADS_PATH, body: buildSyncLeadsBody(lead, settings) },
    signal,
  );
  return readRecordResult('Sync Leads', reply);
}
