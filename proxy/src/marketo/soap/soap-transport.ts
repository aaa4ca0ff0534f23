import { LeadsyncError, MarketoError } from '../../errors.js';
import { requestSignal } from '../timeout-signal.js';
import type { LeadSync, LeadTransport, SyncOptions, SyncOutcome } from '../transport.js';
import { buildSyncLeadEnvelope } from './build-envelope.js';
import { formatTimestamp } from './format-timestamp.js';
import { parseSyncLeadReply } from './parse-reply.js';
import { signRequest } from './sign-request.js';
import type { UpstreamFetch } from '../upstream-fetch.js';

export const SYNC_LEAD_SOAP_ACTION = 'http://www.marketo.com/mktows/syncLead';

export interface SoapTransportOptions {
  /** Full SOAP endpoint URL, e.g. `https://123-ABC-456.mktoapi.com/soap/mktows/2_9`. */
  endpoint: string;
  userId: string;
  encryptionKey: string;
  /** Target workspace name for `MktowsContextHeader`. Default: no context header. */
  workspace?: string | undefined;
  /** Timeout per HTTP attempt, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** Offset of `requestTimestamp` from UTC, in minutes. Default 0, rendered `+00:00`. */
  timestampOffsetMinutes?: number;
  /** Default `globalThis.fetch`. Pass the fetch wrapped by the proxy's call limiter. */
  fetch?: UpstreamFetch;
  /** Clock read once per call. Default `() => new Date()`. */
  now?: () => Date;
}

/**
 * Creates the SOAP `syncLead` transport.
 *
 * Each call reads the clock once, signs that exact timestamp string and sends it, so a call
 * made again after a 20016 "Request Expired" fault carries a fresh timestamp and signature.
 * The transport does not retry: every failure is thrown as `MarketoError`, and the delivery's
 * retry policy decides whether to call again. Uses only fetch, WebCrypto and TextEncoder, so it
 * runs on Node and on Workers.
 */
export function createSoapTransport(options: SoapTransportOptions): LeadTransport {
  const settings = {
    endpoint: options.endpoint,
    userId: options.userId,
    encryptionKey: options.encryptionKey,
    workspace: options.workspace,
    timeoutMs: options.timeoutMs ?? 10_000,
    timestampOffsetMinutes: options.timestampOffsetMinutes ?? 0,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    now: options.now ?? (() => new Date()),
  };

  // The timestamp has whole seconds, so calls within one second share it and its signature.
  // Reusing the last one saves an HMAC per call under load; a new second signs afresh.
  let lastSigned: { timestamp: string; signature: Promise<string> } | undefined;

  function sign(timestamp: string): Promise<string> {
    if (lastSigned?.timestamp !== timestamp) {
      lastSigned = { timestamp, signature: signRequest(settings.userId, settings.encryptionKey, timestamp) };
    }
    return lastSigned.signature;
  }

  async function sendAttempt(lead: LeadSync, signal: AbortSignal | undefined): Promise<SyncOutcome> {
    const timestamp = formatTimestamp(settings.now(), settings.timestampOffsetMinutes);
    const signature = await sign(timestamp);
    const envelope = buildSyncLeadEnvelope({
      userId: settings.userId,
      signature,
      timestamp,
      workspace: settings.workspace,
      lead,
    });

    const reply = await postEnvelope(envelope, signal);

    return parseSyncLeadReply(reply);
  }

  async function postEnvelope(envelope: string, signal: AbortSignal | undefined): Promise<{ status: number; body: string }> {
    const request = requestSignal(settings.timeoutMs, signal);

    try {
      const response = await settings.fetch(settings.endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'text/xml; charset=UTF-8',
          SOAPAction: SYNC_LEAD_SOAP_ACTION,
        },
        body: envelope,
        signal: request.signal,
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      // The caller's own abort is passed through unchanged: the caller knows why it gave up.
      if (signal?.aborted) throw signal.reason;
      // An error of the proxy's own, such as the call limiter's queue timeout, is already classified.
      if (error instanceof LeadsyncError) throw error;
      if (request.timedOut) {
        throw new MarketoError(`Marketo did not respond within ${settings.timeoutMs} ms.`, {
          kind: 'timeout',
          retryable: true,
          cause: error,
        });
      }
      throw new MarketoError(`Marketo request failed before a reply: ${describeNetworkError(error)}.`, {
        kind: 'unavailable',
        retryable: true,
        cause: error,
      });
    } finally {
      request.dispose();
    }
  }

  return {
    syncLead(lead: LeadSync, syncOptions: SyncOptions = {}): Promise<SyncOutcome> {
      return sendAttempt(lead, syncOptions.signal);
    },
  };
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
