import { MarketoError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { BackoffSettings } from './backoff.js';
import type { RestClient } from './rest-client.js';

/**
 * Joins the visitor's cookie to a known lead with Associate Lead, which moves the cookie's
 * anonymous web history to that lead. The cookie is the whole `_mkto_trk` value in the query
 * string, percent-encoded once, so its `&` arrives as `%26` and not as a parameter separator.
 *
 * The call is idempotent, so it is resent after backoff for transient failures and broken
 * connections, within `retry`. When that fails too, the lead stays delivered and this returns
 * `failed`: the error is logged with the lead id, and the proxy does not try again later. The
 * cookie's history stays on the anonymous lead until the same browser is associated again,
 * for example by its next form fill or a click in a Marketo email.
 */
export async function associateLead(
  client: RestClient,
  leadId: number,
  cookie: string,
  retry: BackoffSettings,
  log: Logger,
  signal?: AbortSignal,
): Promise<'associated' | 'failed'> {
  try {
    await client.post(
      {
        operation: 'Associate Lead',
        path: `/rest/v1/leads/${leadId}/associate.json`,
        query: `cookie=${encodeURIComponent(cookie)}`,
        retry,
      },
      signal,
    );
    return 'associated';
  } catch (error) {
    if (!(error instanceof MarketoError)) throw error;

    log.log('error', `The lead was delivered, but its cookie was not associated: ${error.message}`, {
      leadId,
      code: error.code,
      faultCode: error.faultCode,
    });
    return 'failed';
  }
}
