import { RequestError } from '../errors.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.js';

/** The JSON body of `POST /v1/forms/{formId}/submissions`. */
export interface SubmissionRequest {
  /** UUID made by the widget; the idempotency key. */
  submissionId: string;
  /** Form values by field name, validated later against the form. */
  fields: unknown;
  /** Decoded `_mkto_trk` value. It is checked later, and a malformed value is dropped, not rejected. */
  mktoTrk?: unknown;
  /**
   * Page context. `context.consent` is true or false when present: false means the visitor
   * declined tracking, so no cookie is sent to Marketo even when `mktoTrk` is present.
   */
  context?: Record<string, unknown>;
  /** Bot signals (`honeypot`, `elapsedMs`, `turnstileToken`), checked and judged by the bot check. */
  signals?: Record<string, unknown>;
}

const SUBMISSION_KEYS = ['submissionId', 'fields', 'mktoTrk', 'context', 'signals'];
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses the request text as a submission. Throws `RequestError` (`invalid_json`, `invalid_request`). */
export function parseSubmission(text: string): SubmissionRequest {
  // Checked before recursive code (key sorting, JSON.stringify) walks the parsed value.
  if (exceedsJsonDepth(text)) {
    throw invalidRequest(`The body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep; send "fields" as an object of plain values.`);
  }

  const body = parseJson(text);
  if (!isObject(body)) throw invalidRequest('The body must be a JSON object with "submissionId" and "fields".');

  const unknownKey = Object.keys(body).find((key) => !SUBMISSION_KEYS.includes(key));
  if (unknownKey !== undefined) {
    throw invalidRequest(`Unknown key ${JSON.stringify(unknownKey)} in the submission; expected ${SUBMISSION_KEYS.join(', ')}.`);
  }

  // A UUID is unguessable and the same shape from every client, so one submission cannot
  // claim another's idempotency record by chance.
  if (typeof body.submissionId !== 'string' || !UUID_PATTERN.test(body.submissionId)) {
    throw invalidRequest(`"submissionId" must be a UUID such as one from crypto.randomUUID(), got ${describeValue(body.submissionId)}.`);
  }
  if (body.context !== undefined && !isObject(body.context)) throw invalidRequest('"context" must be a JSON object when present.');
  if (body.context?.consent !== undefined && typeof body.context.consent !== 'boolean') {
    throw invalidRequest('"context.consent" must be true or false when present: whether the visitor agreed to tracking.');
  }
  if (body.signals !== undefined && !isObject(body.signals)) throw invalidRequest('"signals" must be a JSON object when present.');

  return {
    // The UUID check ignores case, so the idempotency key must too.
    submissionId: body.submissionId.toLowerCase(),
    fields: body.fields,
    mktoTrk: body.mktoTrk,
    ...(body.context !== undefined && { context: body.context }),
    ...(body.signals !== undefined && { signals: body.signals }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RequestError('invalid_json', 400, 'The request body is not valid JSON.', { cause: error });
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalidRequest(message: string): RequestError {
  return new RequestError('invalid_request', 400, message);
}
