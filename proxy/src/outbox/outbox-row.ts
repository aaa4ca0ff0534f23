import type { LeadSync } from '../marketo/transport.js';
import type { DeadLetter, OutboxEntry } from './outbox.js';

/** A row of the SQLite `outbox` table. */
export interface OutboxRow {
  submission_id: string;
  kind: 'deliver' | 'associate';
  form_id: string;
  /** JSON: the lead of a delivery entry, `AssociationPayload` of an association job. */
  payload: string;
  enqueued_at: number;
  attempts: number;
  last_error: string | null;
  dead_at: number | null;
}

/** The `payload` column of an association job. */
interface AssociationPayload {
  leadId: number;
  cookie: string;
}

/** The entry a row stores, or why its payload cannot be read. */
export type ReadRowResult = { entry: OutboxEntry } | { problem: string };

/** Prefix of every payload problem, in logs and in the `lastError` of the dead letter it leaves. */
export const INVALID_PAYLOAD = 'invalid payload';

export function kindOf(entry: OutboxEntry): OutboxRow['kind'] {
  return entry.kind === 'associate' ? 'associate' : 'deliver';
}

export function payloadOf(entry: OutboxEntry): string {
  if (entry.kind === 'associate') {
    const payload: AssociationPayload = { leadId: entry.leadId, cookie: entry.cookie };
    return JSON.stringify(payload);
  }
  return JSON.stringify(entry.lead);
}

/**
 * Reads the entry a row stores. A payload that is not JSON, or has the wrong shape for the row's
 * kind (a file edited by hand, a disk fault), gives a problem instead of an exception. The
 * problem text describes types and positions only, never the payload, which contains personal data.
 */
export function readRow(row: OutboxRow): ReadRowResult {
  const ids = { submissionId: row.submission_id, formId: row.form_id, enqueuedAt: row.enqueued_at };

  const parsed = parseJson(row.payload);
  if ('problem' in parsed) return parsed;

  if (row.kind === 'associate') {
    const problem = findAssociationProblem(parsed.value);
    if (problem !== undefined) return { problem };
    const { leadId, cookie } = parsed.value as AssociationPayload;
    return { entry: { kind: 'associate', ...ids, leadId, cookie } };
  }

  const problem = findLeadProblem(parsed.value);
  if (problem !== undefined) return { problem };
  return { entry: { ...ids, lead: parsed.value as LeadSync } };
}

/**
 * Reads a dead letter from its row. A row whose payload cannot be read keeps its ids, times and
 * attempts. Its lead is empty (an association job gets lead id 0 and an empty cookie), and its
 * `lastError` names the payload problem, so an operator can find the row and drop it.
 */
export function readDeadLetterRow(row: OutboxRow): DeadLetter {
  const details = { attempts: row.attempts, deadAt: row.dead_at ?? 0 };
  const storedError = row.last_error ?? '';

  const read = readRow(row);
  if ('entry' in read) return { ...read.entry, ...details, lastError: storedError };

  const ids = { submissionId: row.submission_id, formId: row.form_id, enqueuedAt: row.enqueued_at };
  const lastError = storedError === '' || storedError.startsWith(INVALID_PAYLOAD) ? read.problem : `${read.problem}; last delivery error: ${storedError}`;
  if (row.kind === 'associate') return { kind: 'associate', ...ids, leadId: 0, cookie: '', ...details, lastError };
  return { ...ids, lead: { attributes: [] }, ...details, lastError };
}

function parseJson(text: string): { value: unknown } | { problem: string } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    // V8's message can quote the payload, so only the position is kept.
    const position = error instanceof SyntaxError ? /at position (\d+)/.exec(error.message)?.[1] : undefined;
    return { problem: `${INVALID_PAYLOAD}: not valid JSON${position === undefined ? '' : ` (error at position ${position})`}` };
  }
}

function findLeadProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `${INVALID_PAYLOAD}: a delivery entry needs a lead object, got ${describeType(value)}`;
  if (!Array.isArray(value.attributes)) return `${INVALID_PAYLOAD}: the lead's attributes must be an array, got ${describeType(value.attributes)}`;

  const badAttribute = value.attributes.findIndex((attribute) => !isPlainObject(attribute) || typeof attribute.name !== 'string' || typeof attribute.value !== 'string');
  if (badAttribute !== -1) return `${INVALID_PAYLOAD}: lead attribute ${badAttribute} needs a string name and a string value`;

  if (value.email !== undefined && typeof value.email !== 'string') return `${INVALID_PAYLOAD}: the lead's email must be a string, got ${describeType(value.email)}`;
  return undefined;
}

function findAssociationProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return `${INVALID_PAYLOAD}: an association job needs an object with leadId and cookie, got ${describeType(value)}`;
  if (!Number.isSafeInteger(value.leadId) || (value.leadId as number) < 1) {
    return `${INVALID_PAYLOAD}: an association job needs a positive integer leadId, got ${describeType(value.leadId)}`;
  }
  if (typeof value.cookie !== 'string') return `${INVALID_PAYLOAD}: an association job needs a cookie string, got ${describeType(value.cookie)}`;
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : 'a fractional number';
  return typeof value === 'object' ? 'an object' : typeof value;
}
