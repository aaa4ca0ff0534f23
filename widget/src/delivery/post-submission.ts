import type { ApiError, SubmissionBody, SuccessEventDetail } from '../types';
import { parseRetryAfter } from './backoff';

/** Result of one request: a proxy response without `error` means the proxy accepted the lead. */
export interface PostResult {
  status?: SuccessEventDetail['status'];
  leadId?: number | string;
  error?: ApiError;
  retryAfterMs?: number;
}

/** Browsers reject `keepalive` requests whose bodies add up to more than 64 KiB (Fetch standard). */
const KEEPALIVE_MAX_BYTES = 60_000;

/**
 * Posts one submission and classifies the response. Never rejects: a network failure or a timeout
 * returns a retryable error, and so do 408, 429 and 5xx unless the proxy's error body sets
 * `retryable: false`.
 */
export async function postSubmission(url: string, body: SubmissionBody, timeoutMs: number): Promise<PostResult> {
  const json = JSON.stringify(body);

  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: json,
      // keepalive lets the request finish when the visitor leaves the page right after submitting.
      keepalive: new Blob([json]).size < KEEPALIVE_MAX_BYTES,
      signal: AbortSignal.timeout(timeoutMs)
    });
    const data = (await response.json().catch(() => ({}))) as PostResult & { error?: Partial<ApiError> };
    if (response.ok) return { status: data.status, leadId: data.leadId };

    const { status } = response;
    const error: ApiError = {
      code: `http_${status}`,
      message: `the proxy responded with HTTP ${status}`,
      retryable: status > 499 || status === 408 || status === 429,
      ...data.error
    };
    return { error, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')) };
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      error: {
        code: timedOut ? 'timeout' : 'network_error',
        message: timedOut ? `no response within ${timeoutMs} ms` : 'the proxy could not be reached',
        retryable: true
      }
    };
  }
}
