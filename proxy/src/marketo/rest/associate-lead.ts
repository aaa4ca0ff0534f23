import { MarketoError } from '../../errors.js';
import type { SyncOutcome } from '../transport.js';
import type { BackoffSettings } from './backoff.js';
import type { RestClient } from './rest-client.js';

/**
 * A `SyncOutcome` of the REST transport whose Associate Lead call failed: the lead is in Marketo,
 * and `associationError` is the reason its cookie is not. A `retryable` error can pass (606, 615, a
 * timeout, a 5xx), so the outbox keeps an association job for it. Another one (1004 lead not
 * found, 1012 invalid cookie) fails the same way when sent again.
 */
export interface FailedAssociationOutcome extends SyncOutcome {
  cookieAssociation: 'failed';
  associationError: MarketoError;
}

/**
 * Returns the Associate Lead error that the REST transport attached to `outcome`. It is undefined
 * for SOAP, for an associated cookie, and for Submit Form, which logs its rejected cookie itself.
 */
export function associationErrorOf(outcome: SyncOutcome): MarketoError | undefined {
  const error: unknown = (outcome as Partial<FailedAssociationOutcome>).associationError;
  return error instanceof MarketoError ? error : undefined;
}

/**
 * Joins the visitor's cookie to a known lead with Associate Lead, which moves the cookie's
 * anonymous web history to that lead. The cookie is the whole `_mkto_trk` value in the query
 * string, percent-encoded once, so its `&` arrives as `%26` and not as a parameter separator.
 *
 * The call is idempotent, so it is resent after backoff for transient failures and broken
 * connections, within `retry`; without `retry` it is sent once. The last failure is thrown as a
 * `MarketoError` and not logged here, because only the caller knows whether the outbox tries
 * again later.
 */
export async function associateLead(
  client: RestClient,
  leadId: number,
  cookie: string,
  retry: BackoffSettings | undefined,
  signal?: AbortSignal,
): Promise<void> {
  await client.post(
    {
      operation: 'Associate Lead',
      path: `/rest/v1/leads/${leadId}/associate.json`,
      query: `cookie=${encodeURIComponent(cookie)}`,
      retry,
    },
    signal,
  );
}
