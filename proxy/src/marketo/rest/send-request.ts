import { LeadsyncError, MarketoError } from '../../errors.js';
import { requestSignal } from '../timeout-signal.js';
import type { UpstreamFetch } from '../upstream-fetch.js';

export interface HttpRequest {
  /** Name of the call for messages, e.g. `Sync Leads`. */
  operation: string;
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface HttpReply {
  status: number;
  body: string;
}

export interface SendOptions {
  fetch: UpstreamFetch;
  timeoutMs: number;
  /** The caller's abort signal; its reason is rethrown unchanged. */
  signal?: AbortSignal | undefined;
  /** Values cut out of error messages, e.g. the client secret that the token URL carries. */
  secrets?: readonly string[];
}

/**
 * Sends one HTTP request and reads the whole reply. Throws `MarketoError` with kind `timeout`
 * when no reply arrives within `timeoutMs`, and `unavailable` when the connection fails. Both
 * are retryable, but whether resending is safe depends on the call, so the caller decides.
 */
export async function sendRequest(request: HttpRequest, options: SendOptions): Promise<HttpReply> {
  if (options.signal?.aborted) throw options.signal.reason;

  const requestAbort = requestSignal(options.timeoutMs, options.signal);

  try {
    const response = await options.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && { body: request.body }),
      signal: requestAbort.signal,
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    // An error of the proxy's own, such as the call limiter's queue timeout, is already classified.
    if (error instanceof LeadsyncError) throw error;
    // A request that carries secrets keeps no `cause`, because the runtime's error may quote the URL.
    const cause = options.secrets === undefined ? error : undefined;
    if (requestAbort.timedOut) {
      throw new MarketoError(`Marketo ${request.operation} did not respond within ${options.timeoutMs} ms.`, {
        kind: 'timeout',
        retryable: true,
        cause,
      });
    }
    const detail = redact(describeNetworkError(error), options.secrets ?? []);
    throw new MarketoError(`Marketo ${request.operation} failed before a reply: ${detail}.`, {
      kind: 'unavailable',
      retryable: true,
      cause,
    });
  } finally {
    requestAbort.dispose();
  }
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret !== '') result = result.split(secret).join('***').split(encodeURIComponent(secret)).join('***');
  }
  return result;
}
