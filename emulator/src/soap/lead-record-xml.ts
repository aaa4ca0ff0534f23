import type { FieldCatalogue } from "../store/field-catalogue.ts";
import type { Lead } from "../store/lead.ts";
import { escapeXml } from "../xml/escape-xml.ts";

function nillable(name: string, value: string | number | null): string {
  return value === null ? `<${name} xsi:nil="true"/>` : `<${name}>${escapeXml(String(value))}</${name}>`;
}

/**
 * Renders a lead as Marketo's `LeadRecord`, elements in schema order. Attributes come sorted
 * by name; empty values are left out, as Marketo's getLead does. The enclosing envelope must
 * declare the `xsi` prefix.
 */
export function renderLeadRecord(lead: Lead, fields: FieldCatalogue): string {
  const attributes = Object.entries(lead.attributes)
    .filter(([, value]) => value !== "")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => {
      const type = fields.bySoapName(name)?.type ?? "string";
      return (
        `<attribute><attrName>${escapeXml(name)}</attrName>` +
        `<attrType>${type}</attrType>` +
        `<attrValue>${escapeXml(value)}</attrValue></attribute>`
      );
    });

  return (
    `<leadRecord>` +
    `<Id>${lead.id}</Id>` +
    nillable("Email", lead.email) +
    nillable("ForeignSysPersonId", lead.foreignSysPersonId) +
    nillable("ForeignSysType", lead.foreignSysType) +
    `<leadAttributeList>${attributes.join("")}</leadAttributeList>` +
    `</leadRecord>`
  );
}
