import { MarketoError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import { DEFAULT_REST_DELIVERY, type LeadSync, type LeadTransport, type SyncOptions, type SyncOutcome } from '../transport.js';
import { createAccessTokenSource } from './access-token.js';
import { associateLead, type FailedAssociationOutcome } from './associate-lead.js';
import { DEFAULT_BACKOFF, sleep, type BackoffSettings } from './backoff.js';
import { createRestClient, type RestClient } from './rest-client.js';
import { submitForm } from './submit-form.js';
import { syncLeads } from './sync-leads.js';
import type { UpstreamFetch } from '../upstream-fetch.js';

export interface RestTransportOptions {
  /** REST base URL, e.g. `https://123-ABC-456.mktorest.com`; the API is under `/rest`, identity under `/identity`. */
  endpoint: string;
  clientId: string;
  clientSecret: string;
  /** `partitionName` for Sync Leads (`MARKETO_PARTITION`). Default: none, so Marketo uses the default partition. */
  partition?: string | undefined;
  /** Timeout per HTTP attempt, in ms. Default 10000. */
  timeoutMs?: number;
  /** Retries of Associate Lead. Default `DEFAULT_BACKOFF` (3 attempts, 500 ms doubling to at most 4 s). */
  associationRetry?: Partial<BackoffSettings>;
  /** Renew the access token this long before it expires, in ms. Default 60000. */
  refreshMarginMs?: number;
  /**
   * Sends every HTTP request, token requests included. Pass the fetch wrapped by the proxy's
   * call limiter so Marketo's limits count all of them. Default `globalThis.fetch`.
   */
  fetch?: UpstreamFetch;
  /** Clock for token expiry. Default `() => new Date()`. */
  now?: () => Date;
  /** Waits between retries. Default: a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Backoff jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Receives retry log lines. Default: silent. */
  log?: Logger;
}

/** The REST transport, which can also run an association job from the outbox. */
export interface RestTransport extends LeadTransport {
  /**
   * Joins `cookie` to the known lead `leadId` with one Associate Lead call, resent only after a
   * token refresh, because the outbox's retry schedule spaces the job's attempts. Throws the
   * call's `MarketoError` when it fails.
   */
  associateCookie(leadId: number, cookie: string, options?: SyncOptions): Promise<void>;
}

/**
 * Creates the REST transport, the path for live Marketo instances since Marketo removed SOAP.
 *
 * Each lead follows its form's `RestDelivery`: Sync Leads (createOrUpdate) and then, when a
 * cookie came with the submission, Associate Lead; or one Submit Form call. A failed
 * association does not fail the submission: the outcome reports `cookieAssociation: 'failed'`
 * with the error as `associationError` (`FailedAssociationOutcome`), and the caller logs it or
 * keeps an association job for later.
 *
 * Retries are split by who can act on them. The transport renews the access token on
 * 600/601/602 and resends once, and retries Associate Lead with backoff. Sync Leads and Submit
 * Form failures are thrown, classified by `REST_ERRORS`: 606 and 615 as `rate` and
 * `concurrency`, 502/503/608/611 as `unavailable`, 607 as `quota`. The delivery layer's retry
 * policy then backs off and resends them, as it does for SOAP, and never retries 607.
 * Uses only fetch and URL, so it runs on Node and on Workers.
 */
export function createRestTransport(options: RestTransportOptions): RestTransport {
  const settings = {
    endpoint: options.endpoint,
    partition: options.partition,
    timeoutMs: options.timeoutMs ?? 10_000,
    associationRetry: { ...DEFAULT_BACKOFF, ...options.associationRetry },
    refreshMarginMs: options.refreshMarginMs ?? 60_000,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    now: options.now ?? (() => new Date()),
    sleep: options.sleep ?? sleep,
    random: options.random ?? Math.random,
    log: options.log ?? silentLogger,
  };

  const tokens = createAccessTokenSource({
    endpoint: settings.endpoint,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    refreshMarginMs: settings.refreshMarginMs,
    timeoutMs: settings.timeoutMs,
    fetch: settings.fetch,
    now: settings.now,
  });
  // One client per logger: a delivery's retries are logged with its submission's ids. Clients
  // share the token source, so they share one access token.
  const clientWith = (log: Logger) =>
    createRestClient({
      endpoint: settings.endpoint,
      tokens,
      timeoutMs: settings.timeoutMs,
      fetch: settings.fetch,
      sleep: settings.sleep,
      random: settings.random,
      log,
    });
  const defaultClient = clientWith(settings.log);

  async function syncAndAssociate(client: RestClient, lead: LeadSync, lookupField: string, signal: AbortSignal | undefined): Promise<SyncOutcome> {
    const outcome = await syncLeads(client, lead, { lookupField, partitionName: settings.partition }, signal);
    if (lead.cookie === undefined) return outcome;

    try {
      await associateLead(client, outcome.leadId, lead.cookie, settings.associationRetry, signal);
      return { ...outcome, cookieAssociation: 'associated' };
    } catch (error) {
      if (!(error instanceof MarketoError)) throw error;
      const failed: FailedAssociationOutcome = { ...outcome, cookieAssociation: 'failed', associationError: error };
      return failed;
    }
  }

  return {
    async syncLead(lead: LeadSync, syncOptions: SyncOptions = {}): Promise<SyncOutcome> {
      const delivery = lead.rest ?? DEFAULT_REST_DELIVERY;
      const log = syncOptions.log ?? settings.log;
      const client = syncOptions.log === undefined ? defaultClient : clientWith(log);
      if (delivery.mode === 'submitForm') return submitForm(client, lead, delivery, log, syncOptions.signal);
      return syncAndAssociate(client, lead, delivery.lookupField, syncOptions.signal);
    },

    async associateCookie(leadId: number, cookie: string, syncOptions: SyncOptions = {}): Promise<void> {
      const client = syncOptions.log === undefined ? defaultClient : clientWith(syncOptions.log);
      await associateLead(client, leadId, cookie, undefined, syncOptions.signal);
    },
  };
}
