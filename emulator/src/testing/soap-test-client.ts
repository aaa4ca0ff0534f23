/**
 * Test-only helpers: build signed SOAP envelopes, post them to a running emulator and read
 * the replies. The signature is computed here with node:crypto, independently of the
 * emulator's own code.
 */
import { createHmac } from "node:crypto";

import { DEMO_CREDENTIALS } from "../config/emulator-config.ts";
import { parseXml } from "../xml/parse-xml.ts";
import { findChild, isNil, type XmlElement } from "../xml/xml-element.ts";

export const SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/";
export const MKTOWS = "http://www.marketo.com/mktows/";

export function escapeText(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Renders `date` as `YYYY-MM-DDTHH:mm:ss±HH:MM` in a fixed offset (default -08:00, like Marketo's samples). */
export function w3cTimestamp(date = new Date(), offsetMinutes = -480): string {
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const absolute = Math.abs(offsetMinutes);
  const hours = String(Math.floor(absolute / 60)).padStart(2, "0");
  const minutes = String(absolute % 60).padStart(2, "0");
  return `${shifted.toISOString().slice(0, 19)}${sign}${hours}:${minutes}`;
}

export function sign(key: string, timestamp: string, userId: string): string {
  return createHmac("sha1", key).update(timestamp + userId).digest("hex");
}

export interface AuthOptions {
  userId?: string;
  key?: string;
  timestamp?: string;
  /** Overrides the computed signature. */
  signature?: string;
  /** Extra XML inside the SOAP Header, e.g. a MktowsContextHeader. */
  extraHeader?: string;
  /** Leave the AuthenticationHeader out. */
  omit?: boolean;
}

export function authenticationHeader(options: AuthOptions = {}): string {
  if (options.omit) {
    return "";
  }
  const userId = options.userId ?? DEMO_CREDENTIALS.soapUserId;
  const key = options.key ?? DEMO_CREDENTIALS.soapEncryptionKey;
  const timestamp = options.timestamp ?? w3cTimestamp();
  const signature = options.signature ?? sign(key, timestamp, userId);
  return (
    `<mkt:AuthenticationHeader>` +
    `<mktowsUserId>${escapeText(userId)}</mktowsUserId>` +
    `<requestSignature>${escapeText(signature)}</requestSignature>` +
    `<requestTimestamp>${escapeText(timestamp)}</requestTimestamp>` +
    `</mkt:AuthenticationHeader>`
  );
}

export function contextHeader(workspace: string): string {
  return `<mkt:MktowsContextHeader><targetWorkspace>${escapeText(workspace)}</targetWorkspace></mkt:MktowsContextHeader>`;
}

export function envelope(body: string, auth: AuthOptions = {}): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:mkt="${MKTOWS}">` +
    `<soapenv:Header>${authenticationHeader(auth)}${auth.extraHeader ?? ""}</soapenv:Header>` +
    `<soapenv:Body>${body}</soapenv:Body>` +
    `</soapenv:Envelope>`
  );
}

export interface SyncLeadFields {
  id?: number | string;
  email?: string;
  foreignSysPersonId?: string;
  foreignSysType?: string;
  attributes?: Record<string, string>;
  cookie?: string;
  returnLead?: boolean;
  moveCookie?: boolean;
  /** Sends a MktowsContextHeader naming this workspace. */
  workspace?: string;
  /** Raw XML appended inside leadRecord, after the attribute list. */
  leadRecordExtra?: string;
}

/** Builds a syncLead envelope; ForeignSysType defaults to CUSTOM whenever a foreign id is sent. */
export function syncLeadEnvelope(fields: SyncLeadFields, auth: AuthOptions = {}): string {
  const parts: string[] = [];
  if (fields.id !== undefined) {
    parts.push(`<Id>${escapeText(String(fields.id))}</Id>`);
  }
  if (fields.email !== undefined) {
    parts.push(`<Email>${escapeText(fields.email)}</Email>`);
  }
  if (fields.foreignSysPersonId !== undefined) {
    parts.push(`<ForeignSysPersonId>${escapeText(fields.foreignSysPersonId)}</ForeignSysPersonId>`);
    parts.push(`<ForeignSysType>${fields.foreignSysType ?? "CUSTOM"}</ForeignSysType>`);
  }
  const attributes = Object.entries(fields.attributes ?? {})
    .map(
      ([name, value]) =>
        `<attribute><attrName>${escapeText(name)}</attrName><attrType>string</attrType>` +
        `<attrValue>${escapeText(value)}</attrValue></attribute>`,
    )
    .join("");
  if (attributes !== "") {
    parts.push(`<leadAttributeList>${attributes}</leadAttributeList>`);
  }
  parts.push(fields.leadRecordExtra ?? "");

  const cookie = fields.cookie === undefined ? "" : `<marketoCookie>${escapeText(fields.cookie)}</marketoCookie>`;
  const moveCookie = fields.moveCookie === undefined ? "" : `<moveCookie>${fields.moveCookie}</moveCookie>`;
  const extraHeader = (auth.extraHeader ?? "") + (fields.workspace === undefined ? "" : contextHeader(fields.workspace));

  return envelope(
    `<mkt:paramsSyncLead><leadRecord>${parts.join("")}</leadRecord>` +
      `<returnLead>${fields.returnLead ?? false}</returnLead>${cookie}${moveCookie}</mkt:paramsSyncLead>`,
    { ...auth, extraHeader },
  );
}

export function getLeadEnvelope(keyType: string, keyValue: string, auth: AuthOptions = {}): string {
  return envelope(
    `<mkt:paramsGetLead><leadKey><keyType>${keyType}</keyType>` +
      `<keyValue>${escapeText(keyValue)}</keyValue></leadKey></mkt:paramsGetLead>`,
    auth,
  );
}

export interface SoapReply {
  status: number;
  text: string;
  document: XmlElement;
}

export async function postSoap(
  baseUrl: string,
  body: string,
  headers: Record<string, string> = {},
  version = "2_9",
): Promise<SoapReply> {
  const response = await fetch(`${baseUrl}/soap/mktows/${version}`, {
    method: "POST",
    headers: { "content-type": "text/xml;charset=UTF-8", soapaction: "", ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, text, document: parseXml(text) };
}

function bodyChild(document: XmlElement): XmlElement {
  const body = findChild(document, "Body", SOAP_ENV);
  const child = body?.children[0];
  if (child === undefined) {
    throw new Error("the reply has no Body content");
  }
  return child;
}

export interface FaultReply {
  faultcode: string;
  faultstring: string;
  code: number;
  message: string;
  name: string;
}

export function readFault(reply: SoapReply): FaultReply {
  const fault = bodyChild(reply.document);
  if (fault.localName !== "Fault" || fault.namespace !== SOAP_ENV) {
    throw new Error(`expected a SOAP Fault, got ${fault.localName}: ${reply.text}`);
  }
  const exception = findChild(findChild(fault, "detail") as XmlElement, "serviceException", MKTOWS) as XmlElement;
  return {
    faultcode: findChild(fault, "faultcode")?.text ?? "",
    faultstring: findChild(fault, "faultstring")?.text ?? "",
    code: Number(findChild(exception, "code")?.text),
    message: findChild(exception, "message")?.text ?? "",
    name: findChild(exception, "name")?.text ?? "",
  };
}

export interface LeadRecordReply {
  id: number;
  email: string | null;
  foreignSysPersonId: string | null;
  foreignSysType: string | null;
  attributes: Record<string, { type: string; value: string }>;
}

export function readLeadRecord(element: XmlElement): LeadRecordReply {
  const nullable = (name: string): string | null => {
    const child = findChild(element, name);
    return child === undefined || isNil(child) ? null : child.text;
  };
  const attributes: LeadRecordReply["attributes"] = {};
  for (const attribute of findChild(element, "leadAttributeList")?.children ?? []) {
    attributes[findChild(attribute, "attrName")?.text ?? ""] = {
      type: findChild(attribute, "attrType")?.text ?? "",
      value: findChild(attribute, "attrValue")?.text ?? "",
    };
  }
  return {
    id: Number(findChild(element, "Id")?.text),
    email: nullable("Email"),
    foreignSysPersonId: nullable("ForeignSysPersonId"),
    foreignSysType: nullable("ForeignSysType"),
    attributes,
  };
}

export interface SyncResultReply {
  leadId: number;
  status: string;
  errorIsNil: boolean;
  /** Null when the reply carries `<leadRecord xsi:nil="true"/>`. */
  leadRecord: LeadRecordReply | null;
}

export function readSyncResult(reply: SoapReply): SyncResultReply {
  const success = bodyChild(reply.document);
  if (success.localName !== "successSyncLead" || success.namespace !== MKTOWS) {
    throw new Error(`expected successSyncLead, got ${success.localName}: ${reply.text}`);
  }
  const result = findChild(success, "result") as XmlElement;
  const syncStatus = findChild(result, "syncStatus") as XmlElement;
  const leadRecord = findChild(result, "leadRecord") as XmlElement;
  return {
    leadId: Number(findChild(result, "leadId")?.text),
    status: findChild(syncStatus, "status")?.text ?? "",
    errorIsNil: isNil(findChild(syncStatus, "error") as XmlElement),
    leadRecord: isNil(leadRecord) ? null : readLeadRecord(leadRecord),
  };
}

export function readGetLeadResult(reply: SoapReply): { count: number; leads: LeadRecordReply[] } {
  const success = bodyChild(reply.document);
  if (success.localName !== "successGetLead" || success.namespace !== MKTOWS) {
    throw new Error(`expected successGetLead, got ${success.localName}: ${reply.text}`);
  }
  const result = findChild(success, "result") as XmlElement;
  const list = findChild(result, "leadRecordList");
  return {
    count: Number(findChild(result, "count")?.text),
    leads: (list?.children ?? []).map(readLeadRecord),
  };
}
