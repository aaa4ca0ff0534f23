import { escapeXml } from "../xml/escape-xml.ts";
import { MKTOWS_NAMESPACE, SOAP_ENVELOPE_NAMESPACE } from "./namespaces.ts";

/**
 * Titles that go into `faultstring` as `<code> - <title>`, from Marketo's SOAP error code list.
 * 20014 and 20105 use the wording of Marketo's own fault samples, which differs from the list.
 */
export const FAULT_TITLES: Readonly<Record<number, string>> = {
  10001: "Internal Error",
  20011: "Internal Error",
  20012: "Request Not Understood",
  20013: "Access Denied",
  20014: "Authentication failed",
  20015: "Request Limit Exceeded",
  20016: "Request Expired",
  20017: "Invalid Request",
  20019: "Unsupported Operation",
  20023: "Rate Limit Exceeded",
  20024: "Concurrency Limit Exceeded",
  20101: "Lead Key Required",
  20102: "Lead Key Bad",
  20103: "Lead not found",
  20104: "Lead Detail Required",
  20105: "Unknown lead field",
  20106: "Lead Sync Failed",
  20109: "Parameter Required",
  20110: "Bad Parameter",
};

/**
 * Codes sent with `faultcode` `SOAP-ENV:Server`. Every fault sample Marketo published is
 * `SOAP-ENV:Client`; the emulator reserves Server for its two internal-error codes, the ones
 * clients retry.
 */
const SERVER_FAULT_CODES: ReadonlySet<number> = new Set([10001, 20011]);

export function isKnownSoapFaultCode(code: number): boolean {
  return code in FAULT_TITLES;
}

/** A Marketo service exception, rendered as a SOAP 1.1 fault with HTTP 500. */
export class SoapFault extends Error {
  override name = "SoapFault";

  /**
   * @param code Marketo fault code, e.g. 20014.
   * @param detail Specific text for `serviceException/message`; ` (<code>)` is appended.
   */
  constructor(
    readonly code: number,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${code} - ${detail}`, options);
  }

  get title(): string {
    return FAULT_TITLES[this.code] ?? "Internal Error";
  }
}

/** Renders a fault in the shape of Marketo's samples: `ns1` declared on serviceException only. */
export function renderSoapFault(fault: SoapFault): string {
  const faultCode = SERVER_FAULT_CODES.has(fault.code) ? "SOAP-ENV:Server" : "SOAP-ENV:Client";
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP_ENVELOPE_NAMESPACE}">` +
    `<SOAP-ENV:Body><SOAP-ENV:Fault>` +
    `<faultcode>${faultCode}</faultcode>` +
    `<faultstring>${escapeXml(`${fault.code} - ${fault.title}`)}</faultstring>` +
    `<detail><ns1:serviceException xmlns:ns1="${MKTOWS_NAMESPACE}">` +
    `<name>mktServiceException</name>` +
    `<message>${escapeXml(`${fault.detail} (${fault.code})`)}</message>` +
    `<code>${fault.code}</code>` +
    `</ns1:serviceException></detail>` +
    `</SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>\n`
  );
}

export const SOAP_CONTENT_TYPE = "text/xml;charset=UTF-8";

export function soapFaultResponse(fault: SoapFault): Response {
  return new Response(renderSoapFault(fault), {
    status: 500,
    headers: { "content-type": SOAP_CONTENT_TYPE },
  });
}
