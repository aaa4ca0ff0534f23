/**
 * Joins concurrent calls with the same key to one running task: the first call starts it, later
 * calls receive the same promise until it settles. Nothing is kept after it settles.
 */
export class SingleFlight<T> {
  readonly #running = new Map<string, Promise<T>>();

  /** Returns the running task of `key` with `joined: true`, or starts `task`. */
  run(key: string, task: () => Promise<T>): { promise: Promise<T>; joined: boolean } {
    const running = this.#running.get(key);
    if (running !== undefined) return { promise: running, joined: true };

    const promise = task().finally(() => this.#running.delete(key));
    this.#running.set(key, promise);
    return { promise, joined: false };
  }

  has(key: string): boolean {
    return this.#running.has(key);
  }
}
