import { MarketoError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AccessTokenSource } from './access-token.js';
import { backoffDelay, type BackoffSettings } from './backoff.js';
import { joinUrl } from './join-url.js';
import { readRestReply, type RestSuccess } from './read-reply.js';
import { RestApiError } from './rest-api-error.js';
import type { RetryAction } from './rest-errors.js';
import { sendRequest } from './send-request.js';
import type { UpstreamFetch } from '../upstream-fetch.js';

export interface RestClientOptions {
  /** REST base URL, e.g. `https://123-ABC-456.mktorest.com`. */
  endpoint: string;
  tokens: AccessTokenSource;
  timeoutMs: number;
  fetch: UpstreamFetch;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of backoff jitter, in [0, 1). */
  random: () => number;
  log: Logger;
}

export interface RestCall {
  /** Name of the call for messages and logs, e.g. `Sync Leads`. */
  operation: string;
  /** Absolute API path such as `/rest/v1/leads.json`. */
  path: string;
  /** Query string without `?`, already encoded. */
  query?: string;
  /** JSON request body. */
  body?: unknown;
  /**
   * Backoff retries for transient failures, timeouts and broken connections included. Give it
   * only to calls that are safe to send twice. Default: none, so such failures are thrown.
   */
  retry?: BackoffSettings;
}

export interface RestClient {
  post(call: RestCall, signal?: AbortSignal): Promise<RestSuccess>;
}

/**
 * Creates the client that sends REST API calls with `Authorization: Bearer`, the only place
 * the token travels: never in a URL, never in a log line.
 *
 * Per call: 600/601/602 drop the token, fetch a new one and resend once. A call with `retry`
 * settings is resent after exponential backoff for errors whose `REST_ERRORS` action is
 * `back_off` (606, 615, 604, 608, 611, 502, 503, …) and for timeouts and broken connections,
 * until its attempts are used. Every other failure is thrown.
 */
export function createRestClient(options: RestClientOptions): RestClient {
  async function send(call: RestCall, token: string, signal: AbortSignal | undefined): Promise<RestSuccess> {
    const url = joinUrl(options.endpoint, call.path) + (call.query === undefined ? '' : `?${call.query}`);
    const reply = await sendRequest(
      {
        operation: call.operation,
        url,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(call.body !== undefined && { 'Content-Type': 'application/json' }),
        },
        ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
      },
      { fetch: options.fetch, timeoutMs: options.timeoutMs, signal },
    );
    return readRestReply(call.operation, reply.status, reply.body);
  }

  return {
    async post(call, signal) {
      let tokenRefreshed = false;

      for (let attempt = 1; ; attempt += 1) {
        let token: string | undefined;
        try {
          token = await options.tokens.get();
          return await send(call, token, signal);
        } catch (error) {
          const action = retryActionFor(error);

          if (action === 'refresh_token' && !tokenRefreshed && token !== undefined) {
            tokenRefreshed = true;
            options.tokens.invalidate(token);
            options.log.log('info', 'Marketo rejected the access token; requesting a new one and resending once', {
              operation: call.operation,
              code: codeOf(error),
            });
            // A token refresh does not use up one of the backoff attempts.
            attempt -= 1;
            continue;
          }

          if (action === 'back_off' && call.retry !== undefined && attempt < call.retry.maxAttempts) {
            const delayMs = backoffDelay(attempt, call.retry, options.random);
            options.log.log('warn', 'Marketo REST call failed; retrying after backoff', {
              operation: call.operation,
              code: codeOf(error),
              attempt,
              delayMs,
            });
            await options.sleep(delayMs, signal);
            continue;
          }

          throw error;
        }
      }
    },
  };
}

function retryActionFor(error: unknown): RetryAction {
  if (error instanceof RestApiError) return error.action;
  if (error instanceof MarketoError && (error.kind === 'timeout' || error.kind === 'unavailable')) return 'back_off';
  return 'none';
}

function codeOf(error: unknown): string | number | undefined {
  if (!(error instanceof MarketoError)) return undefined;
  if (error instanceof RestApiError) return error.faultCode ?? error.httpStatus;
  return error.kind;
}
