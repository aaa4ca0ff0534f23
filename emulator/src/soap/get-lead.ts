import type { FieldCatalogue } from "../store/field-catalogue.ts";
import type { Lead } from "../store/lead.ts";
import type { LeadStore } from "../store/lead-store.ts";
import { findChild, isNil, type XmlElement } from "../xml/xml-element.ts";
import { renderLeadRecord } from "./lead-record-xml.ts";
import { readInt, requireText } from "./read-values.ts";
import { renderResponseEnvelope } from "./soap-envelope.ts";
import { SoapFault } from "./soap-fault.ts";

/** Key types of Marketo's `LeadKeyRef` that the emulator looks leads up by. */
const SUPPORTED_KEY_TYPES = ["IDNUM", "EMAIL", "COOKIE"] as const;
type SupportedKeyType = (typeof SUPPORTED_KEY_TYPES)[number];

export interface LeadKey {
  keyType: SupportedKeyType;
  keyValue: string;
}

/** Reads `paramsGetLead/leadKey`; a missing key or value is 20101, an unsupported type 20102. */
export function readLeadKey(params: XmlElement): LeadKey {
  const leadKey = findChild(params, "leadKey");
  if (leadKey === undefined || isNil(leadKey)) {
    throw new SoapFault(20101, "paramsGetLead has no leadKey; send <leadKey><keyType>EMAIL</keyType><keyValue>…</keyValue></leadKey>");
  }

  const keyType = requireText(leadKey, "keyType", "leadKey/keyType", 20101).trim();
  if (!(SUPPORTED_KEY_TYPES as readonly string[]).includes(keyType)) {
    throw new SoapFault(20102, `leadKey/keyType '${keyType}' is not supported; use ${SUPPORTED_KEY_TYPES.join(", ")}`);
  }

  const keyValue = requireText(leadKey, "keyValue", "leadKey/keyValue", 20101);
  return { keyType: keyType as SupportedKeyType, keyValue };
}

function findLeads(store: LeadStore, key: LeadKey): Lead[] {
  switch (key.keyType) {
    case "IDNUM": {
      const lead = store.get(readInt(key.keyValue, "leadKey/keyValue"));
      return lead === undefined ? [] : [lead];
    }
    case "EMAIL":
      return store.findByEmail(key.keyValue);
    case "COOKIE": {
      const lead = store.findByCookie(key.keyValue);
      return lead === undefined ? [] : [lead];
    }
  }
}

/**
 * Looks leads up and renders `successGetLead`: `result/count` and `leadRecordList/leadRecord`.
 * EMAIL may return several leads; no match is fault 20103, as in Marketo's samples.
 */
export function getLead(store: LeadStore, fields: FieldCatalogue, key: LeadKey): { xml: string; leads: Lead[] } {
  const leads = findLeads(store, key);
  if (leads.length === 0) {
    throw new SoapFault(20103, `No lead found with ${key.keyType} = ${key.keyValue}`);
  }

  const records = leads.map((lead) => renderLeadRecord(lead, fields)).join("");
  const xml = renderResponseEnvelope(
    `<ns1:successGetLead><result>` +
      `<count>${leads.length}</count>` +
      `<leadRecordList>${records}</leadRecordList>` +
      `</result></ns1:successGetLead>`,
  );
  return { xml, leads };
}
