import { MarketoError } from '../../errors.js';
import { maskEmailAddresses } from '../../log.js';
import { RestApiError } from './rest-api-error.js';
import { classifyRestError } from './rest-errors.js';

/** One entry of `errors[]`, or of a skipped record's `reasons[]`. */
export interface RestIssue {
  code: number;
  message: string;
}

/** A REST reply with `success: true`. */
export interface RestSuccess {
  requestId: string | undefined;
  /** `result[]`; empty for calls that return none, such as Associate Lead. */
  result: unknown[];
}

// Upstream text quoted in error messages is cut to this many characters.
const MAX_QUOTED_LENGTH = 200;

/**
 * Reads the reply to a REST API call: returns it when Marketo reports success, throws
 * `RestApiError` otherwise.
 *
 * Marketo reports errors with HTTP 200, `success: false` and `errors[]`, so both `success` and
 * `errors[]` are checked: a reply with `success: true` that lists errors is a failure too. A
 * status other than 200 (413, 414, 502, an HTML error page) is classified by the status.
 */
export function readRestReply(operation: string, status: number, body: string): RestSuccess {
  if (status !== 200) {
    const title = classifyRestError(status).title;
    // Every API path exists on Marketo, so a 404 means the base URL is wrong. Typically it already
    // ends in /rest, and the proxy then calls /rest/rest/v1/….
    let fix = '';
    if (status === 404) fix = ' Fix: set MARKETO_REST_ENDPOINT to the base URL without /rest, e.g. https://123-ABC-456.mktorest.com.';
    // The proxy does not follow redirects, so that a POST is never resent to another address.
    if (status >= 300 && status <= 399) fix = ' The endpoint redirects. Fix: set MARKETO_REST_ENDPOINT to the address it redirects to.';
    throw new RestApiError(`Marketo ${operation} failed with HTTP ${status} (${title}).${fix}`, { httpStatus: status });
  }

  const reply = parseJsonObject(body);
  if (reply === undefined || typeof reply.success !== 'boolean') {
    throw new MarketoError(`Marketo ${operation} returned HTTP 200 without a JSON body that has "success".`, {
      kind: 'invalid_reply',
      retryable: true,
    });
  }

  const issues = readIssues(reply.errors);
  const first = issues[0];
  if (!reply.success || first !== undefined) {
    if (first === undefined) {
      throw new MarketoError(`Marketo ${operation} returned success:false without errors[].`, { kind: 'invalid_reply', retryable: true });
    }
    throw new RestApiError(`Marketo ${operation} failed: ${describeIssue(first)}.`, { code: first.code });
  }

  return {
    requestId: typeof reply.requestId === 'string' ? reply.requestId : undefined,
    result: Array.isArray(reply.result) ? reply.result : [],
  };
}

/** Reads `errors[]` or `reasons[]`; entries without a numeric code are dropped. */
export function readIssues(value: unknown): RestIssue[] {
  if (!Array.isArray(value)) return [];

  const issues: RestIssue[] = [];
  for (const entry of value) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { code, message } = entry as Record<string, unknown>;
    const number = typeof code === 'number' ? code : typeof code === 'string' && /^[0-9]+$/.test(code) ? Number(code) : Number.NaN;
    if (Number.isSafeInteger(number)) issues.push({ code: number, message: typeof message === 'string' ? message : '' });
  }
  return issues;
}

/** Formats an issue for logs, such as `1006 Field 'foo' not found`, with e-mail addresses masked. */
export function describeIssue(issue: RestIssue): string {
  const text = issue.message === '' ? classifyRestError(issue.code).title : issue.message;
  const quoted = text.length > MAX_QUOTED_LENGTH ? `${text.slice(0, MAX_QUOTED_LENGTH)}…` : text;
  return `${issue.code} ${maskEmailAddresses(quoted)}`;
}

function parseJsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
