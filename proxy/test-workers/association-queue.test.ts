import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';

import worker from '../src/adapters/worker.js';
import { MarketoError } from '../src/errors.js';
import { silentLogger } from '../src/log.js';
import { DurableDeadLetterStore } from '../src/outbox/durable-dead-letters.js';
import type { AssociationEntry, DeadLetter, FollowUp, OutboxEntry } from '../src/outbox/outbox.js';
import { consumeOutboxBatch, QueueOutbox, type DeadLetterMessage } from '../src/outbox/queue-outbox.js';
import { createRetrySchedule } from '../src/outbox/retry-schedule.js';
import { emulatorLeadsByEmail, uniqueEmail, type EmulatorLead } from './helpers.js';

/**
 * Association jobs on Workers: the Worker's `queue()` handler runs them against the emulator over
 * REST, a delivery that leaves one sends it back to the outbox queue, and a replayed dead letter
 * keeps its kind.
 */

const REST_ENV = { ...env, MARKETO_API: 'rest' } as typeof env;

interface SentMessage {
  body: unknown;
  options: QueueSendOptions | undefined;
}

/** Returns a queue producer that records what it is sent instead of sending it. */
function recordingQueue<Body>(): { queue: Queue<Body>; sent: SentMessage[] } {
  const sent: SentMessage[] = [];
  const queue = {
    send: async (body: Body, options?: QueueSendOptions) => void sent.push({ body, options }),
  } as unknown as Queue<Body>;
  return { queue, sent };
}

function batchOf<Body>(queue: string, bodies: Body[], attempts = 1) {
  const messages = bodies.map((body, index) => ({ id: `message-${index}`, timestamp: new Date(1_000 + index), attempts, body }));
  return createMessageBatch<Body>(queue, messages);
}

/** Returns a cookie whose token no other test uses: a unique timestamp part and Munchkin's 5-digit random part. */
function uniqueCookie(munchkinId = '123-ABC-456'): string {
  const timestamp = 1_700_000_000_000 + Math.floor(Math.random() * 1e12);
  return `id:${munchkinId}&token:_mch-example.test-${timestamp}-12345`;
}

/** Stores a known lead in the emulator and records one anonymous visit for `cookie`. */
async function seedLeadAndVisit(email: string, cookie: string): Promise<EmulatorLead> {
  const emulatorUrl = inject('emulatorUrl');
  const response = await fetch(`${emulatorUrl}/_emulator/leads`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  expect(response.status).toBe(201);
  await fetch(`${emulatorUrl}/webevents/visitWebPage?${new URLSearchParams({ _mchCk: cookie, _mchUrl: 'https://www.example.test/pricing' })}`);
  return (await response.json()) as EmulatorLead;
}

function associationJob(leadId: number, cookie: string): AssociationEntry {
  return { kind: 'associate', submissionId: crypto.randomUUID(), formId: 'contact', leadId, cookie, enqueuedAt: Date.now() };
}

describe('Worker queue handler with association jobs', () => {
  it('joins the cookie of a job to its lead', async () => {
    const email = uniqueEmail('job-associated');
    const cookie = uniqueCookie();
    const lead = await seedLeadAndVisit(email, cookie);
    const batch = batchOf<OutboxEntry>('leadsync-outbox', [associationJob(lead.id, cookie)]);

    await worker.queue(batch, REST_ENV);
    const result = await getQueueResult(batch, createExecutionContext());
    const [stored] = await emulatorLeadsByEmail(email);

    expect(result.explicitAcks).toEqual(['message-0']);
    expect(result.retryMessages).toEqual([]);
    expect(stored).toMatchObject({ id: lead.id, anonymous: false, cookies: [cookie] });
    expect(stored?.visits.map((visit) => visit.url)).toEqual(['https://www.example.test/pricing']);
  });

  it('dead-letters a job whose cookie Marketo rejects', async () => {
    const email = uniqueEmail('job-rejected');
    const lead = await seedLeadAndVisit(email, uniqueCookie());
    // A cookie of another Munchkin instance, which the emulator rejects with 1012.
    const job = associationJob(lead.id, uniqueCookie('999-XYZ-999'));
    const deadLetterQueue = recordingQueue<DeadLetterMessage>();
    const batch = batchOf<OutboxEntry>('leadsync-outbox', [job]);

    await worker.queue(batch, { ...REST_ENV, DEAD_LETTER_QUEUE: deadLetterQueue.queue });
    const result = await getQueueResult(batch, createExecutionContext());

    expect(result.explicitAcks).toEqual(['message-0']);
    expect(deadLetterQueue.sent).toEqual([
      { body: { ...job, attempts: 1, deadAt: expect.any(Number), lastError: expect.stringContaining('1012') }, options: { contentType: 'json' } },
    ]);
    expect((await emulatorLeadsByEmail(email))[0]?.cookies).toEqual([]);
  });

  it('dead-letters a job when the proxy runs SOAP', async () => {
    const deadLetterQueue = recordingQueue<DeadLetterMessage>();
    const batch = batchOf<OutboxEntry>('leadsync-outbox', [associationJob(1, uniqueCookie())]);

    await worker.queue(batch, { ...env, DEAD_LETTER_QUEUE: deadLetterQueue.queue });

    expect(deadLetterQueue.sent[0]?.body).toMatchObject({ kind: 'associate', lastError: expect.stringContaining('MARKETO_API=rest') });
  });
});

describe('consumeOutboxBatch with a follow-up', () => {
  it('sends the association job with its delay, then acknowledges', async () => {
    const entry: OutboxEntry = { submissionId: crypto.randomUUID(), formId: 'contact', lead: { email: 'a@example.test', attributes: [], cookie: uniqueCookie() }, enqueuedAt: 1_000 };
    const followUp: FollowUp = {
      job: associationJob(1001, uniqueCookie()),
      failure: new MarketoError('Marketo Associate Lead failed: 606 Max rate limit exceeded.', { kind: 'rate', retryable: true, faultCode: 606 }),
    };
    const outboxQueue = recordingQueue<OutboxEntry>();
    const batch = batchOf('leadsync-outbox', [entry]);

    await consumeOutboxBatch(batch, {
      deliver: async () => followUp,
      outboxQueue: outboxQueue.queue,
      deadLetterQueue: recordingQueue<DeadLetterMessage>().queue,
      log: silentLogger,
      schedule: createRetrySchedule({ baseDelayMs: 30_000, random: () => 1 }),
    });
    const result = await getQueueResult(batch, createExecutionContext());

    expect(outboxQueue.sent).toEqual([{ body: followUp.job, options: { contentType: 'json', delaySeconds: 30 } }]);
    expect(result.explicitAcks).toEqual(['message-0']);
  });
});

describe('QueueOutbox and dead letters with association jobs', () => {
  it('enqueue sends a job with its delay in seconds', async () => {
    const outboxQueue = recordingQueue<OutboxEntry>();
    const job = associationJob(1001, uniqueCookie());

    await new QueueOutbox(outboxQueue.queue, recordingQueue<DeadLetterMessage>().queue).enqueue(job, { delayMs: 45_500 });

    expect(outboxQueue.sent).toEqual([{ body: job, options: { contentType: 'json', delaySeconds: 46 } }]);
  });

  it('replay sends a job back with its kind', async () => {
    const outboxQueue = recordingQueue<OutboxEntry>();
    const store = new DurableDeadLetterStore(env.DEAD_LETTERS, outboxQueue.queue);
    const job = associationJob(1001, uniqueCookie());
    const letter: DeadLetter = { ...job, attempts: 10, lastError: 'upstream_rate_limited: 606', deadAt: Date.now() };
    await store.putDeadLetter(letter);

    const replayed = await store.replayDeadLetter(job.submissionId);

    expect(replayed).toBe(true);
    expect(outboxQueue.sent).toEqual([{ body: job, options: { contentType: 'json' } }]);
  });
});
