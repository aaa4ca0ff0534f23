import { MarketoError } from '../../errors.js';
import { silentLogger, type Logger } from '../../log.js';
import type { LeadSync, LeadTransport, SyncOptions, SyncOutcome } from '../transport.js';
import { buildSyncLeadEnvelope } from './build-envelope.js';
import { formatTimestamp } from './format-timestamp.js';
import { parseSyncLeadReply } from './parse-reply.js';
import { REQUEST_EXPIRED } from './faults.js';
import { signRequest } from './sign-request.js';

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
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Clock read once per attempt. Default `() => new Date()`. */
  now?: () => Date;
  /** Receives retry log lines. Default: silent. */
  log?: Logger;
}

/**
 * Creates the SOAP `syncLead` transport.
 *
 * Each attempt reads the clock once, signs that exact timestamp string and sends it. A 20016
 * "Request Expired" fault means Marketo considered the timestamp stale, so the call is sent
 * once more with a fresh timestamp and signature. Every other failure is thrown to the caller.
 * Uses only fetch, WebCrypto and TextEncoder, so it runs on Node and on Workers.
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
    log: options.log ?? silentLogger,
  };

  async function sendAttempt(lead: LeadSync, signal: AbortSignal | undefined): Promise<SyncOutcome> {
    const timestamp = formatTimestamp(settings.now(), settings.timestampOffsetMinutes);
    const signature = await signRequest(settings.userId, settings.encryptionKey, timestamp);
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
    const timeout = AbortSignal.timeout(settings.timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);

    try {
      const response = await settings.fetch(settings.endpoint, {
        method: 'POST',
        headers: {
          'Content-Type': 'text/xml; charset=UTF-8',
          SOAPAction: SYNC_LEAD_SOAP_ACTION,
        },
        body: envelope,
        signal: combined,
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      // The caller's own abort is passed through unchanged: the caller knows why it gave up.
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) {
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
    }
  }

  return {
    async syncLead(lead: LeadSync, syncOptions: SyncOptions = {}): Promise<SyncOutcome> {
      try {
        return await sendAttempt(lead, syncOptions.signal);
      } catch (error) {
        if (!(error instanceof MarketoError) || error.faultCode !== REQUEST_EXPIRED) throw error;

        settings.log.log('warn', 'Marketo rejected the request timestamp as expired; retrying once with a fresh signature', {
          faultCode: REQUEST_EXPIRED,
        });
        return await sendAttempt(lead, syncOptions.signal);
      }
    },
  };
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
