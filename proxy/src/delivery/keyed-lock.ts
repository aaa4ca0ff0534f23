/**
 * Runs tasks that share a key one after another, in the order they arrive; tasks with
 * different keys run concurrently. The proxy keys upserts by e-mail address, because Marketo
 * can create duplicate leads from concurrent upserts with the same key.
 */
export class KeyedLock {
  /** The promise that settles when the last queued task of each key is done. */
  readonly #tails = new Map<string, Promise<void>>();

  /** Keys with a running or waiting task. */
  get size(): number {
    return this.#tails.size;
  }

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const current = new Promise<void>((resolve) => (done = resolve));
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);

    await previous;
    try {
      return await task();
    } finally {
      done();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
