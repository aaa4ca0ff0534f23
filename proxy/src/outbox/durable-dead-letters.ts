import { DurableObject } from 'cloudflare:workers';

import { entryOfDeadLetter, type DeadLetter, type DeadLetterStore, type OutboxEntry, type OutboxStats } from './outbox.js';
import type { DeadLetterRecorder } from './queue-outbox.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS dead_letters (
    submission_id TEXT PRIMARY KEY,
    letter        TEXT NOT NULL,
    dead_at       INTEGER NOT NULL
  )
`;

/**
 * The Durable Object that keeps the Worker's dead letters in its SQLite storage. One instance,
 * named `dead-letters`, is the single place of truth for every isolate and location.
 */
export class DeadLetterObject extends DurableObject {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Cloudflare.Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SCHEMA);
  }

  /** Stores the letter; a letter with the same submissionId replaces the earlier one. */
  put(letter: DeadLetter): void {
    this.#sql.exec(
      'INSERT OR REPLACE INTO dead_letters (submission_id, letter, dead_at) VALUES (?, ?, ?)',
      letter.submissionId,
      JSON.stringify(letter),
      letter.deadAt,
    );
  }

  list(limit: number): DeadLetter[] {
    const rows = this.#sql.exec<{ letter: string }>('SELECT letter FROM dead_letters ORDER BY dead_at, rowid LIMIT ?', limit).toArray();
    return rows.map((row) => JSON.parse(row.letter) as DeadLetter);
  }

  get(submissionId: string): DeadLetter | null {
    const rows = this.#sql.exec<{ letter: string }>('SELECT letter FROM dead_letters WHERE submission_id = ?', submissionId).toArray();
    const row = rows[0];
    return row === undefined ? null : (JSON.parse(row.letter) as DeadLetter);
  }

  /** Deletes the letter; returns false when there was none. */
  remove(submissionId: string): boolean {
    return this.#sql.exec('DELETE FROM dead_letters WHERE submission_id = ?', submissionId).rowsWritten === 1;
  }

  count(): number {
    return this.#sql.exec<{ count: number }>('SELECT COUNT(*) AS count FROM dead_letters').one().count;
  }
}

const INSTANCE_NAME = 'dead-letters';

/**
 * The Worker's `DeadLetterStore`: dead letters live in the `DeadLetterObject`, and a replay
 * sends the entry back to the outbox queue.
 *
 * A stub belongs to the request that created it, and workerd rejects its use from another one.
 * So each call takes a fresh stub, and one store can serve every request of an isolate.
 */
export class DurableDeadLetterStore implements DeadLetterStore, DeadLetterRecorder {
  readonly #namespace: DurableObjectNamespace<DeadLetterObject>;
  readonly #outboxQueue: Queue<OutboxEntry>;

  constructor(namespace: DurableObjectNamespace<DeadLetterObject>, outboxQueue: Queue<OutboxEntry>) {
    this.#namespace = namespace;
    this.#outboxQueue = outboxQueue;
  }

  get #object(): DurableObjectStub<DeadLetterObject> {
    return this.#namespace.get(this.#namespace.idFromName(INSTANCE_NAME));
  }

  async putDeadLetter(letter: DeadLetter): Promise<void> {
    await this.#object.put(letter);
  }

  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    return (await this.#object.list(limit)) as DeadLetter[];
  }

  /** Sends the entry to the outbox queue first, then deletes it, so a failed send loses nothing. */
  async replayDeadLetter(submissionId: string): Promise<boolean> {
    const object = this.#object;
    const letter = (await object.get(submissionId)) as DeadLetter | null;
    if (letter === null) return false;

    await this.#outboxQueue.send(entryOfDeadLetter(letter), { contentType: 'json' });
    await object.remove(submissionId);
    return true;
  }

  async dropDeadLetter(submissionId: string): Promise<boolean> {
    return this.#object.remove(submissionId);
  }

  async stats(): Promise<OutboxStats> {
    return { dead: await this.#object.count() };
  }
}
