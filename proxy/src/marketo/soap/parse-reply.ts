import { MarketoError } from '../../errors.js';
import { maskEmailAddresses } from '../../log.js';
import type { SyncOutcome } from '../transport.js';
import { MKTOWS_NAMESPACE, SOAP_ENVELOPE_NAMESPACE } from './build-envelope.js';
import { classifyFault } from './faults.js';
import { attributeValue, childElement, lookupNamespace, parseXmlTree, type XmlElement } from './xml-tree.js';

export interface SoapReply {
  /** HTTP status code. */
  status: number;
  body: string;
}

// Upstream text quoted in error messages is cut to this many characters.
const MAX_QUOTED_LENGTH = 200;

const XML_SCHEMA_INSTANCE_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';

/**
 * Reads a `syncLead` reply: returns the outcome, or throws `MarketoError`.
 *
 * Elements are found by namespace URI and local name, so any prefix works. Marketo sends faults
 * with HTTP 500, but a fault is read whatever the status. A `status` of FAILED inside a
 * successful reply is a failure too. A body that is not a SOAP envelope (an HTML error page,
 * an empty body) is classified by its HTTP status.
 */
export function parseSyncLeadReply(reply: SoapReply): SyncOutcome {
  const body = findSoapBody(reply.body);
  if (body === undefined) throw errorForNonSoapReply(reply.status);

  const fault = childElement(body, SOAP_ENVELOPE_NAMESPACE, 'Fault');
  if (fault !== undefined) throw errorForFault(fault);

  const success = childElement(body, MKTOWS_NAMESPACE, 'successSyncLead');
  if (success === undefined || reply.status < 200 || reply.status > 299) {
    throw errorForNonSoapReply(reply.status);
  }

  return readResult(success);
}

function readResult(success: XmlElement): SyncOutcome {
  const result = childElement(success, null, 'result');
  const syncStatus = result === undefined ? undefined : childElement(result, null, 'syncStatus');
  const leadIdText = result === undefined ? undefined : childText(result, 'leadId');
  const statusText = syncStatus === undefined ? undefined : childText(syncStatus, 'status');

  if (statusText === 'FAILED') {
    const reason = syncStatus === undefined ? undefined : childText(syncStatus, 'error');
    throw new MarketoError(`Marketo syncLead returned status FAILED: ${quoteUpstream(reason ?? 'no error text')}.`, {
      kind: 'sync_failed',
      retryable: false,
    });
  }

  const leadId = leadIdText !== undefined && /^[0-9]+$/.test(leadIdText) ? Number(leadIdText) : Number.NaN;
  if (!Number.isSafeInteger(leadId) || (statusText !== 'CREATED' && statusText !== 'UPDATED')) {
    throw new MarketoError('Marketo syncLead reply lacks a numeric result/leadId or a CREATED/UPDATED status.', {
      kind: 'invalid_reply',
      retryable: true,
    });
  }

  return { leadId, status: statusText === 'CREATED' ? 'created' : 'updated' };
}

function errorForFault(fault: XmlElement): MarketoError {
  const faultCode = childText(fault, 'faultcode');
  const faultString = childText(fault, 'faultstring') ?? '';
  const detail = childElement(fault, null, 'detail');
  const serviceException = detail === undefined ? undefined : childElement(detail, MKTOWS_NAMESPACE, 'serviceException');

  const codeText = serviceException === undefined ? undefined : childText(serviceException, 'code');
  const code = codeText !== undefined && /^[0-9]+$/.test(codeText) ? Number(codeText) : codeFromFaultString(faultString);
  const detailMessage = serviceException === undefined ? undefined : childText(serviceException, 'message');

  const faultClass = classifyFault(code, resolveFaultCodeName(fault, faultCode));
  const codeLabel = code === undefined ? 'without a code' : String(code);
  const text = quoteUpstream(detailMessage ?? faultString);

  const fix = faultClass.fix === undefined ? '' : ` Fix: ${faultClass.fix}.`;
  return new MarketoError(`Marketo fault ${codeLabel} (${faultClass.title}): ${text}.${fix}`, {
    kind: faultClass.kind,
    retryable: faultClass.retryable,
    faultCode: code,
  });
}

/** Marketo's faultstring reads "20103 - Lead not found"; the leading number is the code. */
function codeFromFaultString(faultString: string): number | undefined {
  const match = /^\s*([0-9]{5}) - /.exec(faultString);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/**
 * Returns the local part of the `faultcode` QName (`Client`, `Server`) when its prefix is bound
 * to the SOAP envelope namespace.
 */
function resolveFaultCodeName(fault: XmlElement, faultCode: string | undefined): string | undefined {
  if (faultCode === undefined) return undefined;
  const separator = faultCode.indexOf(':');
  const prefix = separator === -1 ? null : faultCode.slice(0, separator);
  const localName = faultCode.slice(separator + 1);

  return lookupNamespace(fault, prefix) === SOAP_ENVELOPE_NAMESPACE ? localName : undefined;
}

function errorForNonSoapReply(status: number): MarketoError {
  const description = `Marketo returned HTTP ${status} without a syncLead result or SOAP fault`;

  if (status >= 500) return new MarketoError(`${description}.`, { kind: 'unavailable', retryable: true });
  if (status === 429) return new MarketoError(`${description}.`, { kind: 'rate', retryable: true });
  if (status === 401 || status === 403) return new MarketoError(`${description}.`, { kind: 'auth', retryable: false });
  if (status >= 200 && status <= 299) return new MarketoError(`${description}.`, { kind: 'invalid_reply', retryable: true });
  // The proxy does not follow redirects, so that a POST is never resent to another address.
  if (status >= 300 && status <= 399) {
    return new MarketoError(`${description}: the endpoint redirects. Set MARKETO_SOAP_ENDPOINT to the address it redirects to.`, {
      kind: 'bad_request',
      retryable: false,
    });
  }

  return new MarketoError(`${description}; check MARKETO_SOAP_ENDPOINT.`, { kind: 'bad_request', retryable: false });
}

/** Parses `text` and returns the SOAP `Body` element, or undefined when it is not a SOAP envelope. */
function findSoapBody(text: string): XmlElement | undefined {
  if (text.trim() === '') return undefined;

  // Any well-formedness error means the text is not the XML Marketo sends.
  const root = parseXmlTree(text);
  if (root === undefined) return undefined;
  if (root.namespace !== SOAP_ENVELOPE_NAMESPACE || root.localName !== 'Envelope') return undefined;

  return childElement(root, SOAP_ENVELOPE_NAMESPACE, 'Body');
}

/** Returns the trimmed text of an unqualified child element, or undefined when absent or nil. */
function childText(parent: XmlElement, localName: string): string | undefined {
  const element = childElement(parent, null, localName);
  if (element === undefined) return undefined;
  if (attributeValue(element, XML_SCHEMA_INSTANCE_NAMESPACE, 'nil') === 'true') return undefined;
  return element.text.trim();
}

function quoteUpstream(text: string): string {
  const masked = maskEmailAddresses(text);
  const cut = masked.length > MAX_QUOTED_LENGTH ? `${masked.slice(0, MAX_QUOTED_LENGTH)}…` : masked;
  return JSON.stringify(cut);
}
