import { LeadStoreError } from "../store/errors.ts";
import { FOREIGN_SYS_TYPES, type ForeignSysType } from "../store/lead.ts";
import { upsertLead, type UpsertContext, type UpsertRequest, type UpsertResult } from "../store/upsert-lead.ts";
import { findChild, isNil, optionalText, qualifiedName, type XmlElement } from "../xml/xml-element.ts";
import { faultForStoreError } from "./fault-for-store-error.ts";
import { renderLeadRecord } from "./lead-record-xml.ts";
import { MKTOWS_NAMESPACE } from "./namespaces.ts";
import { readBoolean, readInt, requireText } from "./read-values.ts";
import { renderResponseEnvelope } from "./soap-envelope.ts";
import { SoapFault } from "./soap-fault.ts";

/** `leadRecord` children in Marketo's WSDL. Any other child is reported as an unknown field. */
const LEAD_RECORD_ELEMENTS = new Set(["Id", "Email", "ForeignSysPersonId", "ForeignSysType", "leadAttributeList"]);

/** A parsed syncLead call. */
export interface SyncLeadInput {
  upsert: UpsertRequest;
  returnLead: boolean;
  /** Elements of `leadRecord` that the WSDL does not define, e.g. `leadId` or `{ns}Email`. */
  unknownElements: string[];
}

/**
 * Reads `paramsSyncLead` and the optional MktowsContextHeader. Elements are matched by the
 * WSDL's exact spelling and must be unqualified, as Marketo's schema (no elementFormDefault)
 * defines them.
 */
export function readSyncLeadInput(params: XmlElement, header: XmlElement | undefined): SyncLeadInput {
  const leadRecord = findChild(params, "leadRecord");
  if (leadRecord === undefined || isNil(leadRecord)) {
    throw new SoapFault(20104, "paramsSyncLead has no leadRecord; send the lead inside <leadRecord>");
  }

  const returnLead = readBoolean(requireText(params, "returnLead", "paramsSyncLead/returnLead"), "returnLead");
  const moveCookieText = optionalText(params, "moveCookie");

  const unknownElements = leadRecord.children
    .filter((child) => child.namespace !== "" || !LEAD_RECORD_ELEMENTS.has(child.localName))
    .map(qualifiedName);

  const upsert: UpsertRequest = {
    attributes: readAttributes(leadRecord, unknownElements),
    moveCookie: moveCookieText === undefined ? false : readBoolean(moveCookieText, "moveCookie"),
  };

  const idText = optionalText(leadRecord, "Id");
  if (idText !== undefined) {
    upsert.id = readInt(idText, "leadRecord/Id");
  }

  const email = optionalText(leadRecord, "Email");
  if (email !== undefined) {
    upsert.email = email;
  }

  const foreignSysPersonId = optionalText(leadRecord, "ForeignSysPersonId");
  const foreignSysType = readForeignSysType(optionalText(leadRecord, "ForeignSysType"));
  if (foreignSysPersonId !== undefined) {
    if (foreignSysType === undefined) {
      throw new SoapFault(
        20109,
        "missing leadRecord/ForeignSysType; it is required when ForeignSysPersonId is present (CUSTOM, SFDC or NETSUITE)",
      );
    }
    upsert.foreignSysPersonId = foreignSysPersonId;
    upsert.foreignSysType = foreignSysType;
  }

  const cookie = optionalText(params, "marketoCookie");
  if (cookie !== undefined) {
    upsert.cookie = cookie;
  }

  const workspace = readTargetWorkspace(header);
  if (workspace !== undefined) {
    upsert.targetWorkspace = workspace;
  }

  return { upsert, returnLead, unknownElements };
}

function readForeignSysType(text: string | undefined): ForeignSysType | undefined {
  if (text === undefined) {
    return undefined;
  }
  if (!(FOREIGN_SYS_TYPES as readonly string[]).includes(text)) {
    throw new SoapFault(20110, `leadRecord/ForeignSysType '${text}' is invalid; use ${FOREIGN_SYS_TYPES.join(", ")}`);
  }
  return text as ForeignSysType;
}

/**
 * Reads `leadAttributeList`. Later duplicates of a name win. Elements other than `attribute`
 * are added to `unknownElements`, which is reported together with unknown attribute names.
 */
function readAttributes(leadRecord: XmlElement, unknownElements: string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  const list = findChild(leadRecord, "leadAttributeList");
  if (list === undefined || isNil(list)) {
    return attributes;
  }

  for (const element of list.children) {
    if (element.namespace !== "" || element.localName !== "attribute") {
      unknownElements.push(`leadAttributeList/${qualifiedName(element)}`);
      continue;
    }
    const name = requireText(element, "attrName", "attribute/attrName");
    const value = findChild(element, "attrValue");
    if (value === undefined) {
      throw new SoapFault(20109, `missing attrValue of attribute '${name}'; it is required (it may be empty)`);
    }
    attributes[name] = isNil(value) ? "" : value.text;
  }
  return attributes;
}

function readTargetWorkspace(header: XmlElement | undefined): string | undefined {
  const context = header === undefined ? undefined : findChild(header, "MktowsContextHeader", MKTOWS_NAMESPACE);
  if (context === undefined) {
    return undefined;
  }
  return requireText(context, "targetWorkspace", "MktowsContextHeader/targetWorkspace");
}

/** Applies a syncLead call and renders its `successSyncLead` envelope. */
export function syncLead(context: UpsertContext, input: SyncLeadInput): { xml: string; result: UpsertResult } {
  const unknownFields = [
    ...input.unknownElements,
    ...Object.keys(input.upsert.attributes).filter((name) => context.fields.bySoapName(name) === undefined),
  ];
  if (unknownFields.length > 0) {
    throw new SoapFault(20105, `syncLead operation failed: unknown fields for import: ${unknownFields.join(", ")}`);
  }

  let result: UpsertResult;
  try {
    result = upsertLead(context, input.upsert);
  } catch (error) {
    if (error instanceof LeadStoreError) {
      throw faultForStoreError(error, "syncLead");
    }
    throw error;
  }

  const status = result.status === "created" ? "CREATED" : "UPDATED";
  const leadRecord = input.returnLead
    ? renderLeadRecord(result.lead, context.fields)
    : `<leadRecord xsi:nil="true"/>`;

  const xml = renderResponseEnvelope(
    `<ns1:successSyncLead><result>` +
      `<leadId>${result.lead.id}</leadId>` +
      `<syncStatus><leadId>${result.lead.id}</leadId><status>${status}</status><error xsi:nil="true"/></syncStatus>` +
      leadRecord +
      `</result></ns1:successSyncLead>`,
  );
  return { xml, result };
}
