import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

import worker from '../src/adapters/worker.js';
import { MarketoError } from '../src/errors.js';
import { silentLogger } from '../src/log.js';
import { DurableDeadLetterStore } from '../src/outbox/durable-dead-letters.js';
import type { DeadLetter, OutboxEntry } from '../src/outbox/outbox.js';
import { consumeDeadLetterBatch, consumeOutboxBatch, QueueOutbox, type DeadLetterMessage } from '../src/outbox/queue-outbox.js';
import { createRetrySchedule } from '../src/outbox/retry-schedule.js';
import { emulatorLeadsByEmail, uniqueEmail } from './helpers.js';

/**
 * The Workers outbox in workerd: the real outbox and dead-letter queues of wrangler.toml, the
 * `queue()` handler of the Worker entry, and the dead letters' Durable Object.
 */

function entry(email: string, enqueuedAt = Date.now()): OutboxEntry {
  return {
    submissionId: crypto.randomUUID(),
    formId: 'contact',
    lead: { email, attributes: [{ name: 'FirstName', value: 'Zoë' }] },
    enqueuedAt,
  };
}

function batchOf<Body>(queue: string, bodies: Body[], attempts = 1) {
  const messages = bodies.map((body, index) => ({ id: `message-${index}`, timestamp: new Date(1_000 + index), attempts, body }));
  return createMessageBatch<Body>(queue, messages);
}

function deadLetterStore(): DurableDeadLetterStore {
  return new DurableDeadLetterStore(env.DEAD_LETTERS, env.OUTBOX_QUEUE);
}

async function waitForLead(email: string): Promise<number> {
  let found = 0;
  await expect
    .poll(
      async () => {
        found = (await emulatorLeadsByEmail(email)).length;
        return found;
      },
      { timeout: 10_000, interval: 200 },
    )
    .toBeGreaterThan(0);
  return found;
}

/** Records the options of every `retry()` call, which `getQueueResult` does not report. */
function recordRetryDelays(batch: MessageBatch<OutboxEntry>): Array<QueueRetryOptions | undefined> {
  const delays: Array<QueueRetryOptions | undefined> = [];
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    message.retry = (options) => {
      delays.push(options);
      retry(options);
    };
  }
  return delays;
}

const unavailable = () => new MarketoError('Marketo request failed before a reply.', { kind: 'unavailable', retryable: true });
const rejected = () => new MarketoError('Lead Attribute Bad', { kind: 'bad_request', retryable: false, faultCode: 20105 });

describe('QueueOutbox through the real queue', () => {
  it('delivers an enqueued entry to the emulator', async () => {
    const email = uniqueEmail('queue-delivered');

    const accepted = await new QueueOutbox(env.OUTBOX_QUEUE, env.DEAD_LETTER_QUEUE).enqueue(entry(email));

    expect(accepted).toBe(true);
    expect(await waitForLead(email)).toBe(1);
  });

  it('stores a dead letter sent directly', async () => {
    const letter: DeadLetter = { ...entry(uniqueEmail('queue-dead')), attempts: 1, lastError: 'upstream_auth: Authentication failed', deadAt: Date.now() };

    const accepted = await new QueueOutbox(env.OUTBOX_QUEUE, env.DEAD_LETTER_QUEUE).enqueueDeadLetter(letter);

    expect(accepted).toBe(true);
    await expect
      .poll(async () => (await deadLetterStore().listDeadLetters(1_000)).find((stored) => stored.submissionId === letter.submissionId), {
        timeout: 10_000,
        interval: 200,
      })
      .toMatchObject({ submissionId: letter.submissionId, attempts: 1, lastError: letter.lastError });
  });
});

describe('consumeOutboxBatch', () => {
  it('acknowledges delivered messages oldest first', async () => {
    const delivered: string[] = [];
    const bodies = [entry('c@example.test', 3_000), entry('a@example.test', 1_000), entry('b@example.test', 2_000)];
    const batch = batchOf('leadsync-outbox', bodies);
    const ctx = createExecutionContext();

    await consumeOutboxBatch(batch, {
      deliver: async (item) => {
        delivered.push(item.kind === 'associate' ? '' : (item.lead.email ?? ''));
        return undefined;
      },
      outboxQueue: env.OUTBOX_QUEUE,
      deadLetterQueue: env.DEAD_LETTER_QUEUE,
      log: silentLogger,
    });
    const result = await getQueueResult(batch, ctx);

    expect(delivered).toEqual(['a@example.test', 'b@example.test', 'c@example.test']);
    expect([...result.explicitAcks].sort()).toEqual(['message-0', 'message-1', 'message-2']);
    expect(result.retryMessages).toEqual([]);
  });

  it('retries a retryable failure with the backoff delay', async () => {
    const batch = batchOf('leadsync-outbox', [entry('retry@example.test')], 2);
    const ctx = createExecutionContext();
    const delays = recordRetryDelays(batch);

    await consumeOutboxBatch(batch, {
      deliver: async () => {
        throw unavailable();
      },
      outboxQueue: env.OUTBOX_QUEUE,
      deadLetterQueue: env.DEAD_LETTER_QUEUE,
      log: silentLogger,
      schedule: createRetrySchedule({ baseDelayMs: 30_000, random: () => 1 }),
    });
    const result = await getQueueResult(batch, ctx);

    expect(result.explicitAcks).toEqual([]);
    // getQueueResult reports which messages were retried, not their delays.
    expect(result.retryMessages.map((retry: { msgId: string }) => retry.msgId)).toEqual(['message-0']);
    expect(delays).toEqual([{ delaySeconds: 60 }]);
  });

  it('sends a rejected entry to the dead-letter queue', async () => {
    const body = entry(uniqueEmail('rejected'));
    const batch = batchOf('leadsync-outbox', [body]);
    const ctx = createExecutionContext();

    await consumeOutboxBatch(batch, {
      deliver: async () => {
        throw rejected();
      },
      outboxQueue: env.OUTBOX_QUEUE,
      deadLetterQueue: env.DEAD_LETTER_QUEUE,
      log: silentLogger,
    });
    const result = await getQueueResult(batch, ctx);

    expect(result.explicitAcks).toEqual(['message-0']);
    await expect
      .poll(async () => (await deadLetterStore().listDeadLetters(1_000)).find((letter) => letter.submissionId === body.submissionId), {
        timeout: 10_000,
        interval: 200,
      })
      .toMatchObject({ attempts: 1, lastError: 'upstream_rejected: Lead Attribute Bad' });
  });

  it('dead-letters a failure at the last attempt', async () => {
    const sent: DeadLetterMessage[] = [];
    const recordingQueue = { send: async (body: DeadLetterMessage) => void sent.push(body) } as unknown as Queue<DeadLetterMessage>;
    const batch = batchOf('leadsync-outbox', [entry('last@example.test')], 3);

    await consumeOutboxBatch(batch, {
      deliver: async () => {
        throw unavailable();
      },
      outboxQueue: env.OUTBOX_QUEUE,
      deadLetterQueue: recordingQueue,
      log: silentLogger,
      schedule: createRetrySchedule({ maxAttempts: 3 }),
    });
    const result = await getQueueResult(batch, createExecutionContext());

    expect(result.explicitAcks).toEqual(['message-0']);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ attempts: 3, lastError: 'upstream_unavailable: Marketo request failed before a reply.' });
  });
});

describe('consumeDeadLetterBatch', () => {
  it('stores letters from the consumer and from Queues', async () => {
    const fromConsumer: DeadLetter = { ...entry('consumer@example.test'), attempts: 4, lastError: 'upstream_rejected: x', deadAt: 5_000 };
    const movedByQueues = entry('moved@example.test');
    const batch = batchOf<DeadLetterMessage>('leadsync-outbox-dead', [fromConsumer, movedByQueues]);
    const store = deadLetterStore();

    await consumeDeadLetterBatch(batch, { deadLetters: store, log: silentLogger, now: () => 9_000 });
    const result = await getQueueResult(batch, createExecutionContext());
    const letters = await store.listDeadLetters(1_000);

    expect(result.explicitAcks.length).toBe(2);
    expect(letters.find((letter) => letter.submissionId === fromConsumer.submissionId)).toEqual(fromConsumer);
    expect(letters.find((letter) => letter.submissionId === movedByQueues.submissionId)).toMatchObject({
      attempts: 0,
      deadAt: 9_000,
      lastError: expect.stringContaining('Queues moved the message'),
    });
  });
});

describe('DurableDeadLetterStore', () => {
  it('replay delivers the entry and removes the letter', async () => {
    const email = uniqueEmail('replayed');
    const letter: DeadLetter = { ...entry(email), attempts: 10, lastError: 'upstream_unavailable: down', deadAt: Date.now() };
    const store = deadLetterStore();
    await store.putDeadLetter(letter);

    const replayed = await store.replayDeadLetter(letter.submissionId);

    expect(replayed).toBe(true);
    expect(await waitForLead(email)).toBe(1);
    expect((await store.listDeadLetters(1_000)).some((item) => item.submissionId === letter.submissionId)).toBe(false);
  });

  it('drop removes the letter once', async () => {
    const letter: DeadLetter = { ...entry('drop@example.test'), attempts: 1, lastError: 'x', deadAt: 1 };
    const store = deadLetterStore();
    await store.putDeadLetter(letter);

    expect(await store.dropDeadLetter(letter.submissionId)).toBe(true);
    expect(await store.dropDeadLetter(letter.submissionId)).toBe(false);
    expect(await store.replayDeadLetter(letter.submissionId)).toBe(false);
  });

  it('sees the same letters from a second store instance', async () => {
    const letter: DeadLetter = { ...entry('shared@example.test'), attempts: 1, lastError: 'x', deadAt: 2 };

    await deadLetterStore().putDeadLetter(letter);
    const seen = await deadLetterStore().listDeadLetters(1_000);

    expect(seen.some((item) => item.submissionId === letter.submissionId)).toBe(true);
  });
});

describe('Worker queue handler', () => {
  it('retries the whole batch when the configuration is invalid', async () => {
    const batch = batchOf('leadsync-outbox', [entry('config@example.test')]);
    const ctx = createExecutionContext();

    await worker.queue(batch, { ...env, MARKETO_MUNCHKIN_ID: 'bad' } as typeof env);
    const result = await getQueueResult(batch, ctx);

    expect(result.retryBatch.retry).toBe(true);
  });
});
