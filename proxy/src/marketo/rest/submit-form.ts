import type { Logger } from '../../log.js';
import type { LeadSync, SyncOutcome, VisitorData } from '../transport.js';
import { buildLeadRecord, type RestLeadRecord } from './lead-record.js';
import { readRecordResult, SkippedRecordError } from './read-record-result.js';
import type { RestClient } from './rest-client.js';

export const SUBMIT_FORM_PATH = '/rest/v1/leads/submitForm.json';

// Marketo's record-level code for a cookie value it cannot use.
const INVALID_COOKIE = 1012;

export interface SubmitFormTarget {
  /** Id of the Marketo form; every field sent must exist on it under its REST name. */
  formId: number;
  programId?: number;
}

export interface SubmitFormBody {
  formId: number;
  programId?: number;
  input: [{ leadFormFields: RestLeadRecord; visitorData?: Record<string, string>; cookie?: string }];
}

/** Builds the Submit Form body for one lead, with the cookie in `input[].cookie` when given. */
export function buildSubmitFormBody(lead: LeadSync, target: SubmitFormTarget, cookie: string | undefined): SubmitFormBody {
  const visitorData = buildVisitorData(lead.visitor);
  return {
    formId: target.formId,
    ...(target.programId !== undefined && { programId: target.programId }),
    input: [
      {
        leadFormFields: buildLeadRecord(lead),
        ...(visitorData !== undefined && { visitorData }),
        ...(cookie !== undefined && { cookie }),
      },
    ],
  };
}

function buildVisitorData(visitor: VisitorData | undefined): Record<string, string> | undefined {
  if (visitor === undefined) return undefined;

  const data: Record<string, string> = {};
  if (visitor.pageUrl !== undefined) data.pageURL = visitor.pageUrl;
  if (visitor.queryString !== undefined) data.queryString = visitor.queryString;
  if (visitor.clientIp !== undefined) data.leadClientIpAddress = visitor.clientIp;
  if (visitor.userAgent !== undefined) data.userAgentString = visitor.userAgent;
  return Object.keys(data).length === 0 ? undefined : data;
}

/**
 * Sends one lead with Submit Form: one call that upserts by email, records a "Fill out Form"
 * activity and joins the cookie's anonymous history. When Marketo skips the record only
 * because of the cookie (1012), the form is sent again without it, so the lead still arrives
 * and the outcome reports the association as failed.
 */
export async function submitForm(
  client: RestClient,
  lead: LeadSync,
  target: SubmitFormTarget,
  log: Logger,
  signal?: AbortSignal,
): Promise<SyncOutcome> {
  const send = async (cookie: string | undefined) => {
    const body = buildSubmitFormBody(lead, target, cookie);
    const reply = await client.post({ operation: 'Submit Form', path: SUBMIT_FORM_PATH, body }, signal);
    return readRecordResult('Submit Form', reply);
  };

  if (lead.cookie === undefined) return send(undefined);

  try {
    return { ...(await send(lead.cookie)), cookieAssociation: 'associated' };
  } catch (error) {
    if (!(error instanceof SkippedRecordError) || error.reason.code !== INVALID_COOKIE) throw error;

    log.log('warn', 'Marketo Submit Form rejected the cookie (1012); sending the form again without it', {
      formId: target.formId,
      faultCode: INVALID_COOKIE,
    });
    return { ...(await send(undefined)), cookieAssociation: 'failed' };
  }
}
