import type { MarketoErrorKind } from '../../errors.js';

/** Action the REST transport takes on an error within the same submission. */
export type RetryAction =
  /** Fetch a new access token and send the call once more. */
  | 'refresh_token'
  /** Wait with exponential backoff and send the call again, up to the call's `BackoffSettings.maxAttempts`. */
  | 'back_off'
  /** Give up and report the error. */
  | 'none';

export interface RestErrorClass {
  /** Marketo's description of the code, for log lines. */
  title: string;
  kind: MarketoErrorKind;
  /** Whether the same request can succeed when sent again later, e.g. from a delivery queue. */
  retryable: boolean;
  action: RetryAction;
}

export const EMPTY_ACCESS_TOKEN = 600;
export const ACCESS_TOKEN_INVALID = 601;
export const ACCESS_TOKEN_EXPIRED = 602;

/**
 * Every error the REST transport can meet, classified once. Keys from 401 to 504 are HTTP
 * statuses, because Marketo's error-code page lists 500 and 502 beside its own codes. 6xx and
 * 7xx are response-level codes (`success:false`, `errors[]`), and 6xx means Marketo did not
 * execute the request. 1xxx are record-level reasons of a `skipped` record.
 *
 * Retried at once: token errors (after a refresh) and the transient 6xx codes. The daily quota
 * (607) is retryable only later, because it resets at 12:00 AM US Central time. Record-level
 * reasons describe the data, so sending the same record again fails the same way.
 */
export const REST_ERRORS: ReadonlyMap<number, RestErrorClass> = new Map<number, RestErrorClass>([
  // Identity's reply to an invalid client id or client secret.
  [401, { title: 'Unauthorized', kind: 'auth', retryable: false, action: 'none' }],
  [413, { title: 'Request Entity Too Large', kind: 'bad_request', retryable: false, action: 'none' }],
  [414, { title: 'Request-URI Too Long', kind: 'bad_request', retryable: false, action: 'none' }],
  // Marketo documents that 500 may also mean a malformed request URL, so it is not retried at once.
  [500, { title: 'Internal Server Error', kind: 'unavailable', retryable: true, action: 'none' }],
  // Marketo: "Likely a timeout. The request should be retried with exponential backoff."
  [502, { title: 'Bad Gateway', kind: 'unavailable', retryable: true, action: 'back_off' }],
  [503, { title: 'Service Unavailable', kind: 'unavailable', retryable: true, action: 'back_off' }],
  [504, { title: 'Gateway Timeout', kind: 'timeout', retryable: true, action: 'back_off' }],

  [EMPTY_ACCESS_TOKEN, { title: 'Empty access token', kind: 'expired', retryable: true, action: 'refresh_token' }],
  [ACCESS_TOKEN_INVALID, { title: 'Access token invalid', kind: 'expired', retryable: true, action: 'refresh_token' }],
  [ACCESS_TOKEN_EXPIRED, { title: 'Access token expired', kind: 'expired', retryable: true, action: 'refresh_token' }],
  [603, { title: 'Access denied', kind: 'auth', retryable: false, action: 'none' }],
  [604, { title: 'Request timed out', kind: 'timeout', retryable: true, action: 'back_off' }],
  [605, { title: 'HTTP method not supported', kind: 'bad_request', retryable: false, action: 'none' }],
  // More than 100 calls in the past 20 seconds.
  [606, { title: 'Max rate limit exceeded', kind: 'rate', retryable: true, action: 'back_off' }],
  [607, { title: 'Daily quota reached', kind: 'quota', retryable: true, action: 'none' }],
  [608, { title: 'API temporarily unavailable', kind: 'unavailable', retryable: true, action: 'back_off' }],
  [609, { title: 'Invalid JSON', kind: 'bad_request', retryable: false, action: 'none' }],
  [610, { title: 'Requested resource not found', kind: 'bad_request', retryable: false, action: 'none' }],
  [611, { title: 'System error', kind: 'unavailable', retryable: true, action: 'back_off' }],
  [612, { title: 'Invalid content type', kind: 'bad_request', retryable: false, action: 'none' }],
  [613, { title: 'Invalid multipart request', kind: 'bad_request', retryable: false, action: 'none' }],
  // Marketo: "usually indicates temporary inaccessibility" of the subscription.
  [614, { title: 'Invalid subscription', kind: 'unavailable', retryable: true, action: 'none' }],
  // More than 10 calls in progress at once.
  [615, { title: 'Concurrent access limit reached', kind: 'concurrency', retryable: true, action: 'back_off' }],
  [701, { title: 'Value cannot be blank', kind: 'bad_request', retryable: false, action: 'none' }],
  [702, { title: 'No data found', kind: 'not_found', retryable: false, action: 'none' }],
  [709, { title: 'Business rule violation', kind: 'bad_request', retryable: false, action: 'none' }],
  [713, { title: 'Transient error', kind: 'unavailable', retryable: true, action: 'back_off' }],

  [1001, { title: 'Invalid value for the field type', kind: 'bad_request', retryable: false, action: 'none' }],
  [1002, { title: 'Missing value for a required parameter', kind: 'bad_request', retryable: false, action: 'none' }],
  [1003, { title: 'Invalid data', kind: 'bad_request', retryable: false, action: 'none' }],
  [1004, { title: 'Lead not found', kind: 'not_found', retryable: false, action: 'none' }],
  [1005, { title: 'Lead already exists', kind: 'sync_failed', retryable: false, action: 'none' }],
  [1006, { title: 'Field not found', kind: 'bad_request', retryable: false, action: 'none' }],
  [1007, { title: 'Multiple leads match the lookup criteria', kind: 'sync_failed', retryable: false, action: 'none' }],
  // The API user's role lacks access to the partition: a configuration problem, like bad credentials.
  [1008, { title: 'Access denied to partition', kind: 'auth', retryable: false, action: 'none' }],
  [1009, { title: 'Partition name must be specified', kind: 'bad_request', retryable: false, action: 'none' }],
  [1010, { title: 'Partition update not allowed', kind: 'sync_failed', retryable: false, action: 'none' }],
  [1011, { title: 'Field not supported as lookup field', kind: 'bad_request', retryable: false, action: 'none' }],
  [1012, { title: 'Invalid cookie value', kind: 'bad_request', retryable: false, action: 'none' }],
]);

const UNKNOWN_ERROR: RestErrorClass = { title: 'Unknown error', kind: 'unknown', retryable: false, action: 'none' };

/** Classifies a Marketo REST error code or HTTP status. Unknown codes are final failures. */
export function classifyRestError(code: number): RestErrorClass {
  return REST_ERRORS.get(code) ?? UNKNOWN_ERROR;
}
