import { RequestError } from '../errors.js';
import type { KeyValueStore, StoredValue } from '../stores/store.js';
import type { KeyedLock } from './keyed-lock.js';
import { SingleFlight } from './single-flight.js';

/** A submission response kept under its `submissionId` and returned again for a repeated request. */
export interface IdempotentResponse {
  status: 200 | 202;
  body: { [key: string]: StoredValue };
  /**
   * True for a response that must not be kept, such as the pretend success given to a bot: a
   * later request with the same id then runs the work again. Default false.
   */
  doNotStore?: boolean;
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
 * stores its response for 24 hours. A repeat gets that response without calling Marketo. A
 * repeat that arrives while the first is still running waits for it and gets the same response.
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
    if (response.doNotStore === true) return { record, stored: false };

    await this.#store.set(key, { ...record }, this.#ttlMs);

    return { record, stored: false };
  }
}

/**
 * Returns a 64-bit fingerprint (16 hex digits) of the form id and the fields, with object keys
 * sorted, so the same fields in another key order have the same fingerprint. Callers pass the
 * validated values when there are any, so a retry that differs only in surrounding spaces matches.
 * Context and signals are left out: the widget may drop tracking data from a queued
 * submission before it retries.
 *
 * The hash is not cryptographic, because it only distinguishes a client bug (an id reused for
 * other content) from a retry. Taking over another submission's record would need its random UUID.
 * WebCrypto's asynchronous SHA-256 was the largest single cost in a CPU profile of the proxy
 * under `pnpm bench:proxy` load on Node 20.
 */
export function fingerprintSubmission(formId: string, fields: unknown): string {
  return hash64(JSON.stringify([formId, sortKeys(fields)]));
}

/**
 * Hashes the UTF-16 code units of `text` with two 32-bit multiply-xorshift lanes of different
 * seeds (the construction of the public-domain cyrb53 hash, widened to 64 bits).
 */
function hash64(text: string): string {
  let high = 0xdeadbeef;
  let low = 0x41c6ce57;

  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    high = Math.imul(high ^ unit, 2_654_435_761);
    low = Math.imul(low ^ unit, 1_597_334_677);
  }

  high = Math.imul(high ^ (high >>> 16), 2_246_822_507) ^ Math.imul(low ^ (low >>> 13), 3_266_489_909);
  low = Math.imul(low ^ (low >>> 16), 2_246_822_507) ^ Math.imul(high ^ (high >>> 13), 3_266_489_909);

  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;

  // Object.fromEntries defines `__proto__` as a plain own key, and JSON.stringify then keeps
  // this insertion order (integer-like keys always come first, in ascending order).
  const sorted = Object.entries(value).sort(([a], [b]) => compareCodeUnits(a, b));
  return Object.fromEntries(sorted.map(([key, entry]) => [key, sortKeys(entry)]));
}

/** Orders strings by UTF-16 code units, like the default sort, independent of the locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function readRecord(value: StoredValue | undefined): IdempotencyRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { fingerprint, status, body } = value;

  if (typeof fingerprint !== 'string' || (status !== 200 && status !== 202)) return undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return { fingerprint, status, body };
}
