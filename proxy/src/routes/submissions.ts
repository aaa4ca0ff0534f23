import type { Context } from 'hono';

import type { AppEnv } from '../app.js';
import type { ProxyConfig } from '../config.js';
import type { Deliver } from '../delivery/deliver.js';
import { fingerprintSubmission, type IdempotencyGuard, type IdempotentResponse } from '../delivery/idempotency.js';
import { LeadsyncError, MarketoError, RequestError } from '../errors.js';
import type { FormCatalog, FormDefinition } from '../forms/form-definition.js';
import { validateFields, type FieldValues } from '../forms/validate-fields.js';
import { decodeUtf8Body } from '../http/decode-utf8-body.js';
import { parseSubmission, type SubmissionRequest } from '../http/parse-submission.js';
import type { Logger } from '../log.js';
import { mapSubmissionToLead } from '../marketo/map-submission.js';
import { checkMunchkinCookie, type CookieCheck, type CookieOutcome } from '../marketo/munchkin-cookie.js';
import { readVisitorData } from '../marketo/rest/visitor-data.js';
import type { LeadSync, SyncOutcome } from '../marketo/transport.js';
import type { BotCheck } from '../middleware/bot-check/index.js';
import { emailRateLimitKey, type RateLimiter } from '../middleware/rate-limit/index.js';
import { childLogger } from '../observability/logger.js';
import { truncate } from '../text/truncate.js';
import { associationFollowUp, storeAssociationJob, type DeliveredSubmission } from '../outbox/association-job.js';
import type { Outbox } from '../outbox/outbox.js';
import { createRetrySchedule, describeFailure } from '../outbox/retry-schedule.js';

/**
 * Outcome for the posted cookie: `CookieOutcome`, or `not_sent_consent` when the submission
 * states that the visitor declined tracking (`context.consent: false`).
 */
export type SubmissionCookieOutcome = CookieOutcome | 'not_sent_consent';

/** Body of a `200` response. */
export interface SubmissionSuccess {
  submissionId: string;
  status: 'created' | 'updated';
  /** Marketo's lead id. Absent only in the response to a submission flagged as a bot, which is never sent. */
  leadId?: number;
  cookie: SubmissionCookieOutcome;
}

/** Body of a `202` response: accepted, stored in the outbox, delivered later. */
export interface SubmissionQueued {
  submissionId: string;
  status: 'queued';
  cookie: SubmissionCookieOutcome;
}

export interface SubmissionHandlerOptions {
  config: ProxyConfig;
  forms: FormCatalog;
  deliver: Deliver;
  idempotency: IdempotencyGuard;
  botCheck: BotCheck;
  emailLimiter: RateLimiter;
  /**
   * Receives submissions whose delivery failed with a retryable error, and, as dead letters,
   * those Marketo rejected for good. Also receives the association jobs of delivered leads whose
   * Associate Lead call failed for a reason that can pass. Default: none, so failed deliveries
   * get the error response and failed associations are only logged.
   */
  outbox?: Outbox | undefined;
  log: Logger;
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * Creates the handler of `POST /v1/forms/{formId}/submissions`. Middleware checks origin,
 * address rate limit, content type and size first. The handler then
 *
 * 1. parses the body and looks up the `submissionId`: a repeat returns the first response;
 * 2. runs the bot check: a bot gets a success response and nothing is sent;
 * 3. validates the fields, applies the per-e-mail rate limit and maps the lead;
 * 4. delivers the lead. When there is an outbox, a retryable failure is queued there and a
 *    rejection by Marketo is stored there as a dead letter, and both get `202 queued`. A
 *    delivered lead whose cookie association failed temporarily gets `association_failed` in the
 *    response, and the outbox keeps an association job to try again later.
 */
export function createSubmissionHandler(options: SubmissionHandlerOptions) {
  const { config, forms, idempotency } = options;
  const now = options.now ?? Date.now;
  // The schedule the outbox drains with, for the first wait of a new association job.
  const associationSchedule = createRetrySchedule({ maxAttempts: config.outbox.maxAttempts, baseDelayMs: config.outbox.retryBaseDelayMs });

  async function process(
    c: Context<AppEnv>,
    form: FormDefinition,
    submission: SubmissionRequest,
    validation: FieldValidation,
    log: Logger,
  ): Promise<IdempotentResponse> {
    const { submissionId } = submission;
    const cookieCheck = checkCookie(submission, config.munchkinId);
    if (cookieCheck.outcome === 'other_instance') {
      // One such cookie is a visitor of another site; all of them is a wrong MARKETO_MUNCHKIN_ID.
      // The message is fixed, so the logger counts repeats.
      log.log('warn', 'Munchkin cookie of another Marketo instance not sent; if every submission shows this, check MARKETO_MUNCHKIN_ID', {
        code: 'cookie_other_instance',
        cookieInstance: cookieCheck.instance,
        munchkinId: config.munchkinId,
      });
    }

    const bot = await options.botCheck.check(form, { signals: submission.signals, submissionId, remoteAddress: c.get('clientAddress') });
    if (bot.bot) {
      c.set('submissionOutcome', 'bot');
      log.log('info', 'Submission flagged as a bot; returned status created and sent nothing to Marketo', {
        reason: bot.reason,
        elapsedMs: bot.elapsedMs,
        minFillMs: bot.minFillMs,
      });
      // Not stored, so a human's later submission with the same id is still sent.
      return { ...success({ submissionId, status: 'created', cookie: cookieCheck.outcome }), doNotStore: true };
    }

    if ('error' in validation) throw validation.error;
    const { values } = validation;
    const email = emailValue(form, values);
    if (email !== undefined && options.emailLimiter.enabled) await options.emailLimiter.hit(await emailRateLimitKey(email));

    const lead = mapSubmissionToLead(form, values, cookieCheck.cookie, config.marketo.api);
    lead.visitor = readVisitorData({
      pageUrl: submission.context?.pageUrl,
      userAgent: c.req.header('user-agent'),
      clientAddress: c.get('clientAddress'),
    });

    // The visitor's connection signal is not passed on: a lead already on its way to Marketo
    // should arrive even if the visitor closes the page.
    const result = await options.deliver(lead, { log });
    const entry = { submissionId, formId: form.id, lead };
    if (result.ok) return delivered(c, result.outcome, entry, cookieCheck, log);
    if (options.outbox === undefined) throw result.error;

    if (result.retryable) return queue(c, entry, cookieCheck, result.error, log);
    if (isRejectionByMarketo(result.error)) return storeDeadLetter(c, { ...entry, attempts: result.attempts }, cookieCheck, result.error, log);
    throw result.error;
  }

  /**
   * Returns the response for a delivered lead. It reports `association_failed` even when the
   * outbox keeps an association job, because at this moment the cookie is not associated.
   */
  async function delivered(
    c: Context<AppEnv>,
    outcome: SyncOutcome,
    submission: DeliveredSubmission,
    cookieCheck: CookieCheckResult,
    log: Logger,
  ): Promise<IdempotentResponse> {
    const cookie: SubmissionCookieOutcome = outcome.cookieAssociation === 'failed' ? 'association_failed' : cookieCheck.outcome;
    c.set('submissionOutcome', outcome.status);
    log.log('info', 'Lead synced to Marketo', { leadId: outcome.leadId, status: outcome.status, cookie });

    const followUp = associationFollowUp(submission, outcome, now(), log);
    if (followUp !== undefined) await storeAssociationJob(followUp, { outbox: options.outbox, schedule: associationSchedule, log });
    return success({ submissionId: submission.submissionId, status: outcome.status, leadId: outcome.leadId, cookie });
  }

  async function queue(
    c: Context<AppEnv>,
    entry: { submissionId: string; formId: string; lead: LeadSync },
    cookieCheck: CookieCheckResult,
    failure: unknown,
    log: Logger,
  ): Promise<IdempotentResponse> {
    await options.outbox!.enqueue({ ...entry, enqueuedAt: now() });
    c.set('submissionOutcome', 'queued');
    log.log('warn', 'Delivery failed for now; submission stored in the outbox for a later attempt', {
      code: failure instanceof LeadsyncError ? failure.code : undefined,
      // Error messages contain no secrets or payloads, and they name what failed (a status, a fault).
      error: describeFailure(failure),
    });

    const body: SubmissionQueued = { submissionId: entry.submissionId, status: 'queued', cookie: cookieCheck.outcome };
    return { status: 202, body: { ...body } };
  }

  async function storeDeadLetter(
    c: Context<AppEnv>,
    entry: { submissionId: string; formId: string; lead: LeadSync; attempts: number },
    cookieCheck: CookieCheckResult,
    failure: MarketoError,
    log: Logger,
  ): Promise<IdempotentResponse> {
    const at = now();
    await options.outbox!.enqueueDeadLetter({ ...entry, enqueuedAt: at, deadAt: at, lastError: describeFailure(failure) });
    c.set('submissionOutcome', 'dead_lettered');
    log.log('error', 'Marketo rejected the submission; stored it as a dead letter to replay after fixing the configuration', {
      code: failure.code,
      kind: failure.kind,
      faultCode: failure.faultCode,
      error: describeFailure(failure),
    });

    const body: SubmissionQueued = { submissionId: entry.submissionId, status: 'queued', cookie: cookieCheck.outcome };
    return { status: 202, body: { ...body } };
  }

  return async function submitForm(c: Context<AppEnv>): Promise<Response> {
    const formId = c.req.param('formId') ?? '';
    const form = forms.get(formId);
    if (form === undefined) throw formNotFound(formId);

    const submission = parseSubmission(decodeUtf8Body(await readBody(c)));
    c.set('submissionId', submission.submissionId);
    const log = childLogger(options.log, {
      requestId: c.get('requestId'),
      clientRequestId: c.get('clientRequestId'),
      submissionId: submission.submissionId,
      formId: truncate(formId),
    });

    // Validation runs first so the fingerprint covers the normalized values, but its error is
    // raised after the bot check, so a bot still gets its pretend success.
    const validation = tryValidateFields(form, submission.fields);
    const fingerprint = fingerprintSubmission(formId, 'values' in validation ? Object.fromEntries(validation.values) : submission.fields);
    const { response, replayed } = await idempotency.run(submission.submissionId, fingerprint, () =>
      process(c, form, submission, validation, log),
    );

    if (replayed) {
      c.set('submissionOutcome', 'replayed');
      log.log('info', 'Repeated submissionId; returned the first response without calling Marketo', {
        leadId: typeof response.body.leadId === 'number' ? response.body.leadId : undefined,
      });
    }
    return c.json(response.body, response.status);
  };
}

/**
 * Reads the request body. Marks a failed read as a client abort: the body comes from the
 * client's connection, so a read fails when the client hangs up mid-body (Node raises
 * `Error: aborted`). The client never sees the response, and it is no failure of the proxy.
 */
async function readBody(c: Context<AppEnv>): Promise<ArrayBuffer> {
  try {
    return await c.req.arrayBuffer();
  } catch (error) {
    if (error instanceof LeadsyncError) throw error;

    c.set('submissionOutcome', 'aborted');
    throw new RequestError('client_aborted', 400, 'The client closed the connection before the whole request body arrived.', { cause: error });
  }
}

/**
 * Checks whether Marketo rejected a lead for good. Validation has already rejected submissions
 * with bad values, so such a rejection comes from the operator's configuration. Examples are
 * credentials or access (SOAP 20013, 20014; REST 401, 603), a mapped field Marketo does not have
 * (SOAP 20105, REST 1006), and a workspace or partition (REST 1008 to 1010).
 */
function isRejectionByMarketo(error: unknown): error is MarketoError {
  return error instanceof MarketoError && !error.retryable;
}

type FieldValidation = { values: FieldValues } | { error: unknown };

function tryValidateFields(form: FormDefinition, fields: unknown): FieldValidation {
  try {
    return { values: validateFields(form, fields) };
  } catch (error) {
    return { error };
  }
}

type CookieCheckResult = { outcome: SubmissionCookieOutcome; cookie?: string; instance?: string };

/** Checks the cookie, unless the visitor declined tracking: then nothing is sent. */
function checkCookie(submission: SubmissionRequest, munchkinId: string): CookieCheckResult {
  if (submission.context?.consent === false) return { outcome: 'not_sent_consent' };
  const check: CookieCheck = checkMunchkinCookie(submission.mktoTrk, munchkinId);
  return check;
}

/** Returns the value of the form's first e-mail field, the key of the per-e-mail rate limit. */
function emailValue(form: FormDefinition, values: FieldValues): string | undefined {
  const field = form.fields.find((candidate) => candidate.type === 'email' && values.has(candidate.name));
  return field === undefined ? undefined : values.get(field.name);
}

function success(body: SubmissionSuccess): IdempotentResponse {
  return { status: 200, body: { ...body } };
}

export function formNotFound(formId: string): RequestError {
  return new RequestError('form_not_found', 404, `No form with id ${JSON.stringify(truncate(formId))} exists.`);
}
