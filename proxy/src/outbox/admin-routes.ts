import { Hono } from 'hono';

import { RequestError } from '../errors.js';
import { methodNotAllowed } from '../http/method-not-allowed.js';
import { requireBearerToken } from '../http/require-bearer-token.js';
import { maskEmailAddresses, type Logger } from '../log.js';
import { truncate } from '../text/truncate.js';
import type { DeadLetter, DeadLetterStore, OutboxStats } from './outbox.js';

export interface AdminRoutesOptions {
  /** The bearer token from `LEADSYNC_ADMIN_TOKEN`. */
  token: string;
  deadLetters: DeadLetterStore;
  /** Outbox counts for `GET /admin/outbox`. Default: only what `deadLetters` can count. */
  stats?: () => Promise<OutboxStats>;
  log: Logger;
}

/** A dead letter as the admin API shows it: ids, times and the error, with the e-mail address masked. */
export interface DeadLetterView {
  submissionId: string;
  formId: string;
  /** `deliver` for a submission, `associate` for an association job. */
  kind: 'deliver' | 'associate';
  /** The e-mail address of a submission's lead, masked; null for an association job. */
  email: string | null;
  /** Marketo's lead id of an association job; null for a submission, which has none yet, or an unreadable job. */
  leadId: number | null;
  attempts: number;
  lastError: string;
  enqueuedAt: string;
  deadAt: string;
}

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1_000;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Creates the operator routes under `/admin/outbox`, guarded by a bearer token:
 * `GET /admin/outbox` (counts), `GET /admin/outbox/dead-letters?limit=N`,
 * `POST /admin/outbox/dead-letters/{submissionId}/replay` and
 * `DELETE /admin/outbox/dead-letters/{submissionId}`.
 */
export function createAdminRoutes(options: AdminRoutesOptions): Hono {
  const { deadLetters, log } = options;
  const stats = options.stats ?? (async () => ({ dead: (await deadLetters.listDeadLetters(MAX_LIST_LIMIT)).length }));
  const admin = new Hono();

  admin.use('/admin/*', requireBearerToken(options.token, { variable: 'LEADSYNC_ADMIN_TOKEN', realm: 'leadsync-admin' }));
  admin.use('/admin/*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  admin.get('/admin/outbox', async (c) => c.json(await stats()));
  admin.all('/admin/outbox', methodNotAllowed(['GET', 'HEAD']));

  admin.get('/admin/outbox/dead-letters', async (c) => {
    const limit = readLimit(c.req.query('limit'));
    const letters = await deadLetters.listDeadLetters(limit);
    return c.json({ deadLetters: letters.map(toView) });
  });
  admin.all('/admin/outbox/dead-letters', methodNotAllowed(['GET', 'HEAD']));

  admin.post('/admin/outbox/dead-letters/:submissionId/replay', async (c) => {
    const submissionId = readSubmissionId(c.req.param('submissionId'));
    if (!(await deadLetters.replayDeadLetter(submissionId))) throw deadLetterNotFound(submissionId);

    log.log('info', 'Dead letter queued for delivery again', { submissionId });
    return c.json({ submissionId, status: 'queued' }, 202);
  });
  admin.all('/admin/outbox/dead-letters/:submissionId/replay', methodNotAllowed(['POST']));

  admin.delete('/admin/outbox/dead-letters/:submissionId', async (c) => {
    const submissionId = readSubmissionId(c.req.param('submissionId'));
    if (!(await deadLetters.dropDeadLetter(submissionId))) throw deadLetterNotFound(submissionId);

    log.log('warn', 'Dead letter dropped by an operator', { submissionId });
    return c.body(null, 204);
  });
  admin.all('/admin/outbox/dead-letters/:submissionId', methodNotAllowed(['DELETE']));

  return admin;
}

function toView(letter: DeadLetter): DeadLetterView {
  return {
    submissionId: letter.submissionId,
    formId: letter.formId,
    kind: letter.kind ?? 'deliver',
    email: letter.kind === 'associate' || letter.lead.email === undefined ? null : maskEmailAddresses(letter.lead.email),
    // A job whose stored payload cannot be read is listed with lead id 0, which Marketo never assigns.
    leadId: letter.kind === 'associate' && letter.leadId > 0 ? letter.leadId : null,
    attempts: letter.attempts,
    lastError: letter.lastError,
    enqueuedAt: new Date(letter.enqueuedAt).toISOString(),
    deadAt: new Date(letter.deadAt).toISOString(),
  };
}

function readLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIST_LIMIT;

  const limit = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (limit >= 1 && limit <= MAX_LIST_LIMIT) return limit;
  throw new RequestError('invalid_request', 400, `"limit" must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${JSON.stringify(value)}.`);
}

/** Reads a UUID in any case; the proxy stores submission ids in lower case. */
function readSubmissionId(value: string): string {
  if (UUID_PATTERN.test(value)) return value.toLowerCase();
  throw new RequestError('invalid_request', 400, `The submissionId must be a UUID, got ${JSON.stringify(truncate(value))}.`);
}

function deadLetterNotFound(submissionId: string): RequestError {
  return new RequestError('not_found', 404, `No dead letter with submissionId ${submissionId}; list them with GET /admin/outbox/dead-letters.`);
}
