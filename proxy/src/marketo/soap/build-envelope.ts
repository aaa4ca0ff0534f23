import { EnvelopeError } from '../../errors.js';
import { FOREIGN_SYS_TYPES, type LeadAttribute, type LeadSync } from '../transport.js';
import { escapeXmlText, findInvalidXmlCharacter, formatCodePoint } from './xml-text.js';

export const SOAP_ENVELOPE_NAMESPACE = 'http://schemas.xmlsoap.org/soap/envelope/';
export const MKTOWS_NAMESPACE = 'http://www.marketo.com/mktows/';

// Marketo's `Id` is an xs:int, so a lead id must fit in a signed 32-bit integer.
const MAX_LEAD_ID = 2_147_483_647;

export interface SyncLeadEnvelopeInput {
  userId: string;
  /** Lowercase hex signature computed over exactly `timestamp + userId`. */
  signature: string;
  timestamp: string;
  /** Target workspace name; undefined sends no `MktowsContextHeader`. */
  workspace?: string | undefined;
  lead: LeadSync;
  /** Asks Marketo to return the full lead record. Default false: the proxy needs only the lead id. */
  returnLead?: boolean;
}

/**
 * Builds the SOAP 1.1 `syncLead` request envelope.
 *
 * Elements follow the WSDL's `xs:sequence` order, because Marketo validates against it. The
 * schema has no `elementFormDefault`, so only the global elements (`AuthenticationHeader`,
 * `MktowsContextHeader`, `paramsSyncLead`) are namespace-qualified and their children are not.
 * Every value is XML-escaped and stays raw UTF-8.
 *
 * Throws `EnvelopeError` naming the field for a character XML 1.0 cannot carry, a lead `Id`
 * that is not an xs:int, or an unknown `ForeignSysType`.
 */
export function buildSyncLeadEnvelope(input: SyncLeadEnvelopeInput): string {
  const header = buildAuthenticationHeader(input) + buildContextHeader(input.workspace);
  const body = buildParamsSyncLead(input.lead, input.returnLead ?? false);

  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP_ENVELOPE_NAMESPACE}" xmlns:ns1="${MKTOWS_NAMESPACE}">` +
    `<SOAP-ENV:Header>${header}</SOAP-ENV:Header>` +
    `<SOAP-ENV:Body>${body}</SOAP-ENV:Body>` +
    '</SOAP-ENV:Envelope>'
  );
}

function buildAuthenticationHeader(input: SyncLeadEnvelopeInput): string {
  return (
    '<ns1:AuthenticationHeader>' +
    textElement('mktowsUserId', input.userId) +
    textElement('requestSignature', input.signature) +
    textElement('requestTimestamp', input.timestamp) +
    '</ns1:AuthenticationHeader>'
  );
}

function buildContextHeader(workspace: string | undefined): string {
  if (workspace === undefined || workspace === '') return '';
  return `<ns1:MktowsContextHeader>${textElement('targetWorkspace', workspace)}</ns1:MktowsContextHeader>`;
}

function buildParamsSyncLead(lead: LeadSync, returnLead: boolean): string {
  const cookie = usableCookie(lead.cookie);
  const cookieElement = cookie === undefined ? '' : textElement('marketoCookie', cookie);

  return (
    '<ns1:paramsSyncLead>' +
    buildLeadRecord(lead) +
    `<returnLead>${returnLead ? 'true' : 'false'}</returnLead>` +
    cookieElement +
    '</ns1:paramsSyncLead>'
  );
}

/**
 * Returns the cookie to send, or undefined to omit `marketoCookie`. Browser and template code
 * sometimes turns a missing cookie into the string "undefined" or "null". Sending that would make
 * Marketo look up a lead by a cookie that cannot exist.
 */
function usableCookie(cookie: string | undefined): string | undefined {
  const trimmed = cookie?.trim();
  if (trimmed === undefined || trimmed === '' || trimmed === 'undefined' || trimmed === 'null') return undefined;
  return cookie;
}

function buildLeadRecord(lead: LeadSync): string {
  let record = '';

  if (lead.id !== undefined) record += textElement('Id', formatLeadId(lead.id));
  if (lead.email !== undefined && lead.email !== '') record += textElement('Email', lead.email);

  // The WSDL requires ForeignSysType whenever ForeignSysPersonId is present.
  if (lead.foreignSysPersonId !== undefined && lead.foreignSysPersonId !== '') {
    record += textElement('ForeignSysPersonId', lead.foreignSysPersonId);
    record += textElement('ForeignSysType', checkForeignSysType(lead.foreignSysType ?? 'CUSTOM'));
  }

  if (lead.attributes.length > 0) {
    record += `<leadAttributeList>${lead.attributes.map(buildAttribute).join('')}</leadAttributeList>`;
  }

  return `<leadRecord>${record}</leadRecord>`;
}

function buildAttribute(attribute: LeadAttribute): string {
  const field = attribute.name;
  const type = attribute.type === undefined ? '' : textElement('attrType', attribute.type, field);

  return (
    '<attribute>' +
    textElement('attrName', attribute.name, field) +
    type +
    textElement('attrValue', attribute.value, field) +
    '</attribute>'
  );
}

function formatLeadId(id: number): string {
  if (Number.isInteger(id) && id >= 1 && id <= MAX_LEAD_ID) return String(id);
  throw new EnvelopeError('Id', `Invalid lead Id: expected an integer from 1 to ${MAX_LEAD_ID} (xs:int), got ${id}.`);
}

function checkForeignSysType(type: string): string {
  if ((FOREIGN_SYS_TYPES as readonly string[]).includes(type)) return type;
  throw new EnvelopeError('ForeignSysType', `Invalid ForeignSysType: expected one of ${FOREIGN_SYS_TYPES.join(', ')}, got ${JSON.stringify(type)}.`);
}

/**
 * Renders `<name>value</name>`. `field` names the value in errors: the element itself, or the
 * attribute whose name, type or value this element holds.
 */
function textElement(name: string, value: string, field = name): string {
  const invalid = findInvalidXmlCharacter(value);
  if (invalid !== undefined) {
    throw new EnvelopeError(
      field,
      `Invalid character in ${field}: ${formatCodePoint(invalid)} cannot be carried by XML 1.0; remove it from the value.`,
    );
  }

  return `<${name}>${escapeXmlText(value)}</${name}>`;
}
