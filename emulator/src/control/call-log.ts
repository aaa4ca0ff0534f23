import type { Transport } from "../injection/fault-settings.ts";

/** One API call as `GET /_emulator/calls` lists it. */
export interface CallRecord {
  at: string;
  transport: Transport;
  /** Operation name, e.g. `syncLead`; null when the request could not be read. */
  operation: string | null;
  outcome: "ok" | "fault" | "injected";
  /** Fault or error code for `fault` and injected `fault` outcomes. */
  code?: number;
  /** Injected failure kind for `injected` outcomes. */
  injected?: string;
  leadId?: number;
  status?: "created" | "updated";
}

/** The most recent API calls, oldest first, so tests can count what a client sent. */
export class CallLog {
  readonly #records: CallRecord[] = [];
  readonly #capacity: number;

  constructor(capacity = 1000) {
    this.#capacity = capacity;
  }

  record(entry: CallRecord): void {
    this.#records.push(entry);
    if (this.#records.length > this.#capacity) {
      this.#records.shift();
    }
  }

  list(): CallRecord[] {
    return this.#records.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.#records.length = 0;
  }
}
