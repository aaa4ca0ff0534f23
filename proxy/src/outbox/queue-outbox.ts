import { maskEmailAddresses, type Logger } from '../log.js';
import type { DeadLetter, DeliverEntry, EnqueueOptions, FollowUp, Outbox, OutboxEntry } from './outbox.js';
import { createRetrySchedule, describeFailure, type RetrySchedule } from './retry-schedule.js';

/**
 * The Workers outbox: a Cloudflare Queue. The proxy's `queue()` handler consumes it with
 * `consumeOutboxBatch`, and the dead-letter queue with `consumeDeadLetterBatch`.
 */
export class QueueOutbox implements Outbox {
  readonly #queue: Queue<OutboxEntry>;
  readonly #deadLetterQueue: Queue<DeadLetterMessage>;

  constructor(queue: Queue<OutboxEntry>, deadLetterQueue: Queue<DeadLetterMessage>) {
    this.#queue = queue;
    this.#deadLetterQueue = deadLetterQueue;
  }

  /**
   * Sends the entry to the queue; `send` resolves once the queue has stored it durably.
   * NOTE: a Queue cannot reject duplicates, so this always returns true. A resent submissionId
   * is caught at delivery by the idempotency key instead.
   */
  async enqueue(entry: OutboxEntry, options: EnqueueOptions = {}): Promise<boolean> {
    await this.#queue.send(entry, { contentType: 'json', delaySeconds: toDelaySeconds(options.delayMs ?? 0) });
    return true;
  }

  /**
   * Sends the letter to the dead-letter queue, whose consumer stores it for the admin routes.
   * NOTE: like `enqueue`, this always returns true, because a Queue cannot reject duplicates.
   */
  async enqueueDeadLetter(letter: DeadLetter): Promise<boolean> {
    await this.#deadLetterQueue.send(letter, { contentType: 'json' });
    return true;
  }
}

/**
 * A message on the dead-letter queue. The consumer sends a `DeadLetter` with the last error;
 * Queues itself moves a plain `OutboxEntry` there when the consumer failed `max_retries` times.
 */
export type DeadLetterMessage = DeadLetter | OutboxEntry;

export interface OutboxConsumerOptions {
  deliver: DeliverEntry;
  /** Producer binding of the outbox queue, which receives the association jobs deliveries leave. */
  outboxQueue: Queue<OutboxEntry>;
  /** Producer binding of the dead-letter queue. */
  deadLetterQueue: Queue<DeadLetterMessage>;
  log: Logger;
  /** Default: `createRetrySchedule()`. Keep `maxAttempts` at most `max_retries` + 1 of the consumer. */
  schedule?: RetrySchedule;
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

// Cloudflare Queues accepts send and retry delays of at most 12 hours.
const MAX_DELAY_SECONDS = 12 * 60 * 60;

function toDelaySeconds(delayMs: number): number {
  return Math.min(MAX_DELAY_SECONDS, Math.ceil(delayMs / 1000));
}

/**
 * Delivers a batch from the outbox queue, oldest first. A delivered message is acknowledged,
 * after the association job its delivery left, if any, is sent to the outbox queue with the
 * schedule's first delay. A retryable failure is retried with the schedule's delay. A rejection,
 * or a failure at the last attempt, goes to the dead-letter queue with its error.
 * NOTE: Queues does not promise delivery order across batches, so "oldest first" applies within
 * a batch only.
 */
export async function consumeOutboxBatch(batch: MessageBatch<OutboxEntry>, options: OutboxConsumerOptions): Promise<void> {
  const schedule = options.schedule ?? createRetrySchedule();
  const now = options.now ?? Date.now;
  const messages = [...batch.messages].sort((a, b) => a.body.enqueuedAt - b.body.enqueuedAt);

  for (const message of messages) {
    await consumeOutboxMessage(message, { ...options, schedule, now });
  }
}

async function consumeOutboxMessage(message: Message<OutboxEntry>, options: Required<OutboxConsumerOptions>): Promise<void> {
  const entry = message.body;
  const ids = { submissionId: entry.submissionId, formId: entry.formId, kind: entry.kind ?? 'deliver', attempts: message.attempts };
  let followUp: FollowUp | undefined;

  try {
    followUp = await options.deliver(entry);
  } catch (error) {
    const lastError = describeFailure(error);
    // NOTE: unlike the SQLite drain, a wait for a free call slot counts as an attempt here,
    // because Queues counts every retry of a message. A backlog far over Marketo's limits can
    // therefore turn entries into dead letters, which the admin routes can replay.
    const decision = options.schedule.decide(error, message.attempts, options.now());

    if (decision.action === 'dead') {
      const letter: DeadLetter = { ...entry, attempts: message.attempts, lastError, deadAt: options.now() };
      await options.deadLetterQueue.send(letter, { contentType: 'json' });
      message.ack();
      options.log.log('error', 'Outbox entry became a dead letter', { ...ids, error: lastError });
      return;
    }

    const delaySeconds = toDelaySeconds(decision.delayMs);
    message.retry({ delaySeconds });
    options.log.log('warn', 'Outbox delivery failed; retrying later', { ...ids, delaySeconds, error: lastError });
    return;
  }

  // The job is sent before the acknowledgement, so a failed send leaves the message to be retried.
  if (followUp !== undefined) await sendFollowUp(followUp, options);
  message.ack();
  options.log.log('info', 'Outbox entry delivered', { ...ids, waitedMs: options.now() - entry.enqueuedAt });
}

async function sendFollowUp(followUp: FollowUp, options: Required<OutboxConsumerOptions>): Promise<void> {
  const now = options.now();
  const delaySeconds = toDelaySeconds(options.schedule.delayAfter(followUp.failure, 1, now));
  await options.outboxQueue.send(followUp.job, { contentType: 'json', delaySeconds });
  options.log.log('warn', 'Associate Lead failed for now; the outbox keeps an association job for a later attempt', {
    submissionId: followUp.job.submissionId,
    formId: followUp.job.formId,
    leadId: followUp.job.leadId,
    delaySeconds,
    error: describeFailure(followUp.failure),
  });
}

/** Storage of dead letters that the dead-letter consumer writes to. */
export interface DeadLetterRecorder {
  putDeadLetter(letter: DeadLetter): Promise<void>;
}

export interface DeadLetterConsumerOptions {
  deadLetters: DeadLetterRecorder;
  log: Logger;
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

const MOVED_BY_QUEUES = 'delivery_failed: the queue consumer failed on every attempt, so Queues moved the message to the dead-letter queue.';

/** Stores each message of the dead-letter queue, so operators can list, replay or drop it. */
export async function consumeDeadLetterBatch(batch: MessageBatch<DeadLetterMessage>, options: DeadLetterConsumerOptions): Promise<void> {
  const now = options.now ?? Date.now;

  for (const message of batch.messages) {
    const letter = toDeadLetter(message, now());
    await options.deadLetters.putDeadLetter(letter);
    message.ack();
    options.log.log('warn', 'Dead letter stored', {
      submissionId: letter.submissionId,
      kind: letter.kind ?? 'deliver',
      ...(letter.kind === 'associate' ? { leadId: letter.leadId } : { email: maskedEmail(letter.lead.email) }),
    });
  }
}

function maskedEmail(email: string | undefined): string | undefined {
  return email === undefined ? undefined : maskEmailAddresses(email);
}

function toDeadLetter(message: Message<DeadLetterMessage>, now: number): DeadLetter {
  const body = message.body;
  if ('lastError' in body) return body;
  // The attempts on the outbox queue are not carried over to the dead-letter queue.
  return { ...body, attempts: 0, lastError: MOVED_BY_QUEUES, deadAt: now };
}
