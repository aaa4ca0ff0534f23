import type { MarketoErrorKind } from '../../errors.js';

export interface FaultClass {
  /** Marketo's title for the code, for log lines. */
  title: string;
  kind: MarketoErrorKind;
  /** Whether the same request can succeed when sent again later. */
  retryable: boolean;
  /** Operator hint for faults that come from the proxy's configuration: the setting to check. */
  fix?: string;
}

/** Marketo fault 20016: the timestamp is too old; re-sign with a fresh timestamp and retry. */
export const REQUEST_EXPIRED = 20016;

/**
 * Every SOAP fault code in Marketo's published error-code list, classified once. Internal errors
 * (10001, 20011) are transient. Rate, concurrency and daily-quota faults succeed later. All other
 * faults describe the request itself, so the same request fails again.
 */
export const SOAP_FAULTS: ReadonlyMap<number, FaultClass> = new Map<number, FaultClass>([
  [10001, { title: 'Internal Error', kind: 'unavailable', retryable: true }],
  [20011, { title: 'Internal Error', kind: 'unavailable', retryable: true }],
  [20012, { title: 'Request Not Understood', kind: 'bad_request', retryable: false }],
  [20013, { title: 'Access Denied', kind: 'auth', retryable: false, fix: 'check that the API user may call the SOAP API and that the IP allowlist under Admin > Integration > Web Services admits this server' }],
  [20014, { title: 'Authentication failed', kind: 'auth', retryable: false, fix: 'check MARKETO_USER_ID and MARKETO_ENCRYPTION_KEY against Admin > Integration > Web Services' }],
  // The daily quota resets at 12:00 AM US Central time.
  [20015, { title: 'Request Limit Exceeded', kind: 'quota', retryable: true }],
  [REQUEST_EXPIRED, { title: 'Request Expired', kind: 'expired', retryable: true, fix: 'check the clock of the machine the proxy runs on' }],
  [20017, { title: 'Invalid Request', kind: 'bad_request', retryable: false }],
  // Not in Marketo's list. Community clients name it a bad-encoding error.
  [20018, { title: 'Bad Encoding', kind: 'bad_request', retryable: false }],
  [20019, { title: 'Unsupported Operation', kind: 'bad_request', retryable: false }],
  [20022, { title: 'Time Range Exceeded Limit', kind: 'bad_request', retryable: false }],
  // More than 100 calls in 20 seconds.
  [20023, { title: 'Rate Limit Exceeded', kind: 'rate', retryable: true }],
  // More than 10 concurrent calls.
  [20024, { title: 'Concurrency Limit Exceeded', kind: 'concurrency', retryable: true }],
  [20101, { title: 'Lead Key Required', kind: 'bad_request', retryable: false }],
  [20102, { title: 'Lead Key Bad', kind: 'bad_request', retryable: false }],
  [20103, { title: 'Lead Not Found', kind: 'not_found', retryable: false }],
  [20104, { title: 'Lead Detail Required', kind: 'bad_request', retryable: false }],
  [20105, { title: 'Lead Attribute Bad', kind: 'bad_request', retryable: false, fix: 'check the "marketo.soap" field names in the forms file (LEADSYNC_CONFIG) against the instance\'s fields' }],
  // Possibly also returned for workspace and partition errors, which have no documented code.
  [20106, { title: 'Lead Sync Failed', kind: 'sync_failed', retryable: false, fix: 'if workspaces are enabled, check MARKETO_WORKSPACE and the lead\'s partition' }],
  [20107, { title: 'Activity Key Bad', kind: 'bad_request', retryable: false }],
  [20108, { title: 'Lead Owner Not Found', kind: 'not_found', retryable: false }],
  [20109, { title: 'Parameter Required', kind: 'bad_request', retryable: false }],
  [20110, { title: 'Bad Parameter', kind: 'bad_request', retryable: false }],
  [20111, { title: 'List Not Found', kind: 'not_found', retryable: false }],
  [20113, { title: 'Campaign Not Found', kind: 'not_found', retryable: false }],
  [20114, { title: 'Bad Parameter', kind: 'bad_request', retryable: false }],
  [20122, { title: 'Bad Stream Position', kind: 'bad_request', retryable: false }],
  [20123, { title: 'Stream at End', kind: 'bad_request', retryable: false }],
]);

/**
 * Classifies a SOAP fault by its Marketo code. A fault without a code is classified by its SOAP
 * `faultcode`: `Server` is a transient server failure, anything else a rejected request.
 */
export function classifyFault(code: number | undefined, faultCodeName: string | undefined): FaultClass {
  if (code !== undefined) {
    return SOAP_FAULTS.get(code) ?? { title: 'Unknown fault', kind: 'unknown', retryable: false };
  }
  if (faultCodeName === 'Server') return { title: 'Server fault', kind: 'unavailable', retryable: true };
  return { title: 'Client fault', kind: 'bad_request', retryable: false };
}
