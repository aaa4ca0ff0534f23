import type { FaultSettings, InjectedFault, Transport } from "./fault-settings.ts";

/**
 * Hands out the configured failures. The queue lives in the config, so `GET /_emulator/config`
 * shows what is left of it.
 */
export class FaultInjector {
  readonly #settings: () => FaultSettings;

  constructor(settings: () => FaultSettings) {
    this.#settings = settings;
  }

  get latencyMs(): number {
    return this.#settings().latencyMs;
  }

  get holdReplyMs(): number {
    return this.#settings().holdReplyMs;
  }

  /** Takes one call's worth of the first queue entry that applies to `transport`, if any. */
  takeNext(transport: Transport): InjectedFault | undefined {
    const queue = this.#settings().queue;
    const index = queue.findIndex((entry) => entry.transport === undefined || entry.transport === transport);
    const entry = queue[index];
    if (entry === undefined) {
      return undefined;
    }

    entry.count -= 1;
    if (entry.count <= 0) {
      queue.splice(index, 1);
    }
    return { ...entry, count: 1 };
  }
}
