import { DeliveryTimeoutError, MarketoError, sentNothing } from '../errors.js';

/** The outcome of the last delivery that reached Marketo, as `/healthz` reports it. */
export interface MarketoCallReport {
  lastCall: 'ok' | 'failed';
  /** ISO time of that outcome. */
  at: string;
  /** The proxy's error code of a failed call, e.g. `upstream_auth`. */
  code?: string;
  /** Marketo's own fault or error code, when its reply carried one. */
  faultCode?: number;
}

/**
 * Remembers how the last delivery to Marketo ended, so an operator sees on `/healthz` that
 * submissions are being stored instead of delivered, e.g. after the credentials changed, while
 * visitors still get `202 queued`. Only outcomes of calls that reached Marketo or the network
 * count: a wait for a call slot or the quota pause sends nothing.
 */
export class MarketoStatus {
  readonly #now: () => number;
  // The success path runs once per delivery, so it stores the time and the report formats it.
  #lastAt = 0;
  #lastFailure: Omit<MarketoCallReport, 'lastCall' | 'at'> | undefined;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** The last outcome; undefined before the first call. */
  get report(): MarketoCallReport | undefined {
    if (this.#lastAt === 0) return undefined;
    const at = new Date(this.#lastAt).toISOString();
    return this.#lastFailure === undefined ? { lastCall: 'ok', at } : { lastCall: 'failed', at, ...this.#lastFailure };
  }

  recordSuccess(): void {
    this.#lastAt = this.#now();
    this.#lastFailure = undefined;
  }

  /**
   * Records `error` when it is a failure of a call that was sent: a `MarketoError`, or a
   * delivery that ran out of time while Marketo did not reply. A wait for a call slot and the
   * quota pause send nothing, so they are not recorded.
   */
  recordFailure(error: unknown): void {
    if (sentNothing(error) || !(error instanceof MarketoError || error instanceof DeliveryTimeoutError)) return;
    this.#lastAt = this.#now();
    this.#lastFailure = {
      code: error.code,
      ...(error instanceof MarketoError && error.faultCode !== undefined && { faultCode: error.faultCode }),
    };
  }
}
