import { BotCheckFailedError, BotCheckUnavailableError } from '../../errors.js';

export interface TurnstileOptions {
  /** The widget's secret key (`TURNSTILE_SECRET_KEY`). Never logged or returned. */
  secretKey: string;
  /** Siteverify endpoint. Default Cloudflare's. */
  verifyUrl?: string;
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Timeout of the siteverify request, in ms. Default 5000. */
  timeoutMs?: number;
}

export interface TurnstileRequest {
  token: string | undefined;
  /** The visitor's address, which lets Cloudflare check the token was issued to the same client. */
  remoteAddress: string | undefined;
  /** The submission id; siteverify returns the first result again for a repeated key. */
  idempotencyKey: string;
}

export const TURNSTILE_VERIFY_URL = 'https://challenges.cloudflare.com/turnstile/v0/siteverify';

const DEFAULT_TIMEOUT_MS = 5_000;
const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
// Siteverify's error codes are short lowercase words such as "invalid-input-response".
const ERROR_CODE = /^[a-z0-9-]{1,64}$/;

/**
 * Verifies a Turnstile token with Cloudflare's siteverify API. A token is valid for 300 seconds
 * and for one verification, so the submission id goes along as `idempotency_key`. A retried
 * verification of the same submission then gets the first result instead of `timeout-or-duplicate`.
 *
 * Throws `RequestError` 403 `bot_check_failed` for a missing or rejected token, and
 * `LeadsyncError` 503 `bot_check_unavailable` (retryable) when siteverify cannot be reached or
 * answers something other than its JSON.
 */
export async function verifyTurnstile(request: TurnstileRequest, options: TurnstileOptions): Promise<void> {
  if (request.token === undefined || request.token === '') {
    throw failed('no Turnstile token was posted in "signals.turnstileToken"');
  }

  const form = new URLSearchParams({ secret: options.secretKey, response: request.token, idempotency_key: request.idempotencyKey });
  if (request.remoteAddress !== undefined) form.set('remoteip', request.remoteAddress);

  const result = await postSiteverify(form, options);
  if (result.success) return;

  const codes = result.errorCodes.filter((code) => ERROR_CODE.test(code));
  throw failed(`Turnstile rejected the token (${codes.length > 0 ? codes.join(', ') : 'no error code'})`);
}

async function postSiteverify(form: URLSearchParams, options: TurnstileOptions): Promise<{ success: boolean; errorCodes: string[] }> {
  const fetchVerify = options.fetch ?? globalThis.fetch.bind(globalThis);
  const url = options.verifyUrl ?? TURNSTILE_VERIFY_URL;

  let response: Response;
  try {
    response = await fetchVerify(url, { method: 'POST', body: form, signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  } catch (error) {
    throw unavailable(`Turnstile siteverify request failed: ${error instanceof Error ? error.message : String(error)}`, error);
  }

  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || typeof body !== 'object' || body === null || typeof (body as { success?: unknown }).success !== 'boolean') {
    throw unavailable(`Turnstile siteverify returned HTTP ${response.status} without its JSON result`);
  }

  const { success, 'error-codes': errorCodes } = body as { success: boolean; 'error-codes'?: unknown };
  return { success, errorCodes: Array.isArray(errorCodes) ? errorCodes.filter((code): code is string => typeof code === 'string') : [] };
}

function failed(reason: string): BotCheckFailedError {
  return new BotCheckFailedError(`The anti-bot check failed: ${reason}.`);
}

function unavailable(message: string, cause?: unknown): BotCheckUnavailableError {
  return new BotCheckUnavailableError(`${message}.`, UNAVAILABLE_RETRY_AFTER_SECONDS, cause);
}
