import { RequestError } from '../errors.js';
import type { KeyValueStore, StoredValue } from '../stores/store.js';
import type { KeyedLock } from './keyed-lock.js';
import { SingleFlight } from './single-flight.js';

/** A submission response kept under its `submissionId` and returned again for a repeated request. */
export interface IdempotentResponse {
  status: 200 | 202;
  body: { [key: string]: StoredValue };
}

export interface IdempotencyResult {
  response: IdempotentResponse;
  /** True when the response belongs to an earlier or concurrent request with the same id. */
  replayed: boolean;
}

export interface IdempotencyOptions {
  store: KeyValueStore;
  /**
   * Serializes the lookup and the work per submissionId across processes, e.g. a
   * `DurableKeyedLock` on Workers, so a concurrent repeat on another instance waits and then
   * finds the stored response. Default: none, so only repeats within one process join.
   */
  lock?: Pick<KeyedLock, 'run'>;
  /** How long a response is kept, in ms. Default 24 hours. */
  ttlMs?: number;
}

interface IdempotencyRecord {
  fingerprint: string;
  status: 200 | 202;
  body: { [key: string]: StoredValue };
}

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Makes a submission take effect once per `submissionId`. The first request runs the work and
 * stores its response for 24 hours; a repeat gets that response without calling Marketo, and a
 * repeat that arrives while the first is still running waits for it and gets its response.
 *
 * Only responses are stored. A request that fails with an error stores nothing, so the client's
 * retry with the same id runs the work again. An id reused for a submission with other content
 * (its fingerprint differs) is rejected with 422 `submission_id_reused`.
 *
 * NOTE: without a shared `lock`, joining a running request works within one process only. Two
 * exactly concurrent repeats reaching different instances can then both call Marketo, and each
 * call updates the same lead.
 */
export class IdempotencyGuard {
  readonly #store: KeyValueStore;
  readonly #lock: Pick<KeyedLock, 'run'> | undefined;
  readonly #ttlMs: number;
  readonly #flights = new SingleFlight<{ record: IdempotencyRecord; stored: boolean }>();

  constructor(options: IdempotencyOptions) {
    this.#store = options.store;
    this.#lock = options.lock;
    this.#ttlMs = options.ttlMs ?? IDEMPOTENCY_TTL_MS;
  }

  async run(submissionId: string, fingerprint: string, work: () => Promise<IdempotentResponse>): Promise<IdempotencyResult> {
    const key = `submission:${submissionId}`;
    const lookupOrRun = () => this.#lookupOrRun(key, fingerprint, work);
    const { promise, joined } = this.#flights.run(key, () => (this.#lock === undefined ? lookupOrRun() : this.#lock.run(key, lookupOrRun)));
    const { record, stored } = await promise;

    if (record.fingerprint !== fingerprint) {
      throw new RequestError(
        'submission_id_reused',
        422,
        `The submissionId ${submissionId} was already used for a submission with other content; send each new submission with a new id, e.g. from crypto.randomUUID().`,
      );
    }

    return { response: { status: record.status, body: record.body }, replayed: joined || stored };
  }

  /** Runs inside the single flight, so no request starts the work between the lookup and the store. */
  async #lookupOrRun(
    key: string,
    fingerprint: string,
    work: () => Promise<IdempotentResponse>,
  ): Promise<{ record: IdempotencyRecord; stored: boolean }> {
    const existing = readRecord(await this.#store.get(key));
    if (existing !== undefined) return { record: existing, stored: true };

    const response = await work();
    const record: IdempotencyRecord = { fingerprint, status: response.status, body: response.body };
    await this.#store.set(key, { ...record }, this.#ttlMs);

    return { record, stored: false };
  }
}

/**
 * Returns a SHA-256 hex digest of the form id and the posted fields, with object keys sorted,
 * so the same fields in another key order have the same fingerprint. Context and signals are
 * left out: the widget may drop tracking data from a queued submission before it retries.
 */
export async function fingerprintSubmission(formId: string, fields: unknown): Promise<string> {
  const canonical = JSON.stringify([formId, sortKeys(fields)]);
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;

  // Object.fromEntries defines `__proto__` as a plain own key, and JSON.stringify then keeps
  // this insertion order (integer-like keys always come first, in ascending order).
  const sorted = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(sorted.map(([key, entry]) => [key, sortKeys(entry)]));
}

function readRecord(value: StoredValue | undefined): IdempotencyRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { fingerprint, status, body } = value;

  if (typeof fingerprint !== 'string' || (status !== 200 && status !== 202)) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return { fingerprint, status, body };
}
