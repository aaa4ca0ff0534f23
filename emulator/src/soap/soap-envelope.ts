import { MKTOWS_NAMESPACE, SOAP_ENVELOPE_NAMESPACE } from "./namespaces.ts";

const XSI = "http://www.w3.org/2001/XMLSchema-instance";

/**
 * Wraps a response body element in an envelope with Marketo's prefixes: `SOAP-ENV`, `ns1` for
 * the mktows namespace and `xsi` for nil values.
 */
export function renderResponseEnvelope(bodyContent: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="${SOAP_ENVELOPE_NAMESPACE}" xmlns:ns1="${MKTOWS_NAMESPACE}" xmlns:xsi="${XSI}">` +
    `<SOAP-ENV:Body>${bodyContent}</SOAP-ENV:Body></SOAP-ENV:Envelope>\n`
  );
}
