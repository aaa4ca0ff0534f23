import type { Context } from 'hono';

import type { ProxyConfig } from '../config.js';
import { RequestError } from '../errors.js';
import type { FormCatalog } from '../forms/form-definition.js';
import { validateFields } from '../forms/validate-fields.js';
import { parseSubmission } from '../http/parse-submission.js';
import type { Logger } from '../log.js';
import { mapSubmissionToLead } from '../marketo/map-submission.js';
import { checkMunchkinCookie, type CookieOutcome } from '../marketo/munchkin-cookie.js';
import { readVisitorData } from '../marketo/rest/visitor-data.js';
import type { LeadTransport } from '../marketo/transport.js';
import type { AppEnv } from '../app.js';

export interface SubmissionSuccess {
  submissionId: string;
  status: 'created' | 'updated';
  leadId: number;
  cookie: CookieOutcome;
}

export interface SubmissionHandlerOptions {
  config: ProxyConfig;
  forms: FormCatalog;
  transport: LeadTransport;
  log: Logger;
}

/**
 * Creates the handler of `POST /v1/forms/{formId}/submissions`. It parses, validates and maps the
 * submission, sends it to Marketo and returns the outcome. Middleware checks origin, content type and size.
 */
export function createSubmissionHandler(options: SubmissionHandlerOptions) {
  const { config, forms, transport, log } = options;

  return async function submitForm(c: Context<AppEnv>): Promise<Response> {
    const formId = c.req.param('formId') ?? '';
    const form = forms.get(formId);
    if (form === undefined) throw formNotFound(formId);

    const submission = parseSubmission(await c.req.text());
    c.set('submissionId', submission.submissionId);

    const values = validateFields(form, submission.fields);
    const cookieCheck = checkMunchkinCookie(submission.mktoTrk, config.munchkinId);
    const lead = mapSubmissionToLead(form, values, cookieCheck.cookie, config.marketo.api);
    lead.visitor = readVisitorData({
      pageUrl: submission.context?.pageUrl,
      userAgent: c.req.header('user-agent'),
      // NOTE: the client address is not passed yet, so Submit Form sends no leadClientIpAddress.
      clientAddress: undefined,
    });

    // The visitor's connection signal is not passed on: a lead already on its way to Marketo
    // should arrive even if the visitor closes the page.
    const outcome = await transport.syncLead(lead);
    const cookie: CookieOutcome = outcome.cookieAssociation === 'failed' ? 'association_failed' : cookieCheck.outcome;

    log.log('info', 'Lead synced to Marketo', {
      submissionId: submission.submissionId,
      formId,
      leadId: outcome.leadId,
      status: outcome.status,
      cookie,
    });

    const body: SubmissionSuccess = {
      submissionId: submission.submissionId,
      status: outcome.status,
      leadId: outcome.leadId,
      cookie,
    };
    return c.json(body, 200);
  };
}

export function formNotFound(formId: string): RequestError {
  return new RequestError('form_not_found', 404, `No form with id ${JSON.stringify(formId)} exists.`);
}
