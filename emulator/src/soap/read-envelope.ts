import { parseXml, XmlParseError } from "../xml/parse-xml.ts";
import { findChild, qualifiedName, type XmlElement } from "../xml/xml-element.ts";
import { MKTOWS_NAMESPACE, SOAP12_ENVELOPE_NAMESPACE, SOAP_ENVELOPE_NAMESPACE } from "./namespaces.ts";
import { SoapFault } from "./soap-fault.ts";

/** Operations the emulator implements, keyed by the global element that carries their input. */
const OPERATIONS_BY_ELEMENT = {
  paramsSyncLead: "syncLead",
  paramsGetLead: "getLead",
} as const;

export type SoapOperation = (typeof OPERATIONS_BY_ELEMENT)[keyof typeof OPERATIONS_BY_ELEMENT];

/** A parsed request: the SOAP Header (if any) and the operation's input element. */
export interface SoapRequest {
  operation: SoapOperation;
  header: XmlElement | undefined;
  params: XmlElement;
}

/**
 * Decodes a request body as UTF-8. Invalid UTF-8 is rejected rather than replaced, so stored
 * values are always what the client sent.
 */
export function decodeBody(body: ArrayBuffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch (error) {
    throw new SoapFault(20012, "the request body is not valid UTF-8; send the envelope UTF-8 encoded", {
      cause: error,
    });
  }
}

/**
 * Parses a SOAP 1.1 envelope and identifies the operation by the namespace and local name of
 * the Body's first element, whatever prefixes the client used.
 */
export function readEnvelope(source: string): SoapRequest {
  let root: XmlElement;
  try {
    root = parseXml(source);
  } catch (error) {
    if (error instanceof XmlParseError) {
      throw new SoapFault(20012, `the request is not well-formed XML: ${error.message}; escape & as &amp; and < as &lt;`, {
        cause: error,
      });
    }
    throw error;
  }

  if (root.localName === "Envelope" && root.namespace === SOAP12_ENVELOPE_NAMESPACE) {
    throw new SoapFault(20012, "SOAP 1.2 envelopes are not supported; send a SOAP 1.1 envelope");
  }
  if (root.localName !== "Envelope" || root.namespace !== SOAP_ENVELOPE_NAMESPACE) {
    throw new SoapFault(
      20012,
      `expected a SOAP 1.1 Envelope in ${SOAP_ENVELOPE_NAMESPACE}, got ${qualifiedName(root)}`,
    );
  }

  const body = findChild(root, "Body", SOAP_ENVELOPE_NAMESPACE);
  const params = body?.children[0];
  if (params === undefined) {
    throw new SoapFault(20012, "the SOAP Body is missing or empty; put the operation's params element in it");
  }

  if (params.namespace !== MKTOWS_NAMESPACE) {
    throw new SoapFault(
      20012,
      `the Body element ${qualifiedName(params)} is not in the Marketo namespace ${MKTOWS_NAMESPACE}`,
    );
  }
  const operation = OPERATIONS_BY_ELEMENT[params.localName as keyof typeof OPERATIONS_BY_ELEMENT];
  if (operation === undefined) {
    throw new SoapFault(
      20019,
      `the emulator does not implement the operation of ${params.localName}; it implements syncLead and getLead`,
    );
  }

  return { operation, header: findChild(root, "Header", SOAP_ENVELOPE_NAMESPACE), params };
}

/** Returns the SOAPAction that the WSDL declares for an operation. */
export function soapActionFor(operation: SoapOperation): string {
  return `${MKTOWS_NAMESPACE}${operation}`;
}

/**
 * Checks the SOAPAction HTTP header. Marketo's WSDL declares one action per operation, and a
 * working client sends the header empty, so the emulator accepts the declared action (quoted
 * or not), an empty value or no header, and rejects any other value.
 */
export function checkSoapAction(header: string | undefined, operation: SoapOperation): void {
  if (header === undefined) {
    return;
  }
  const action = header.trim().replace(/^"(.*)"$/, "$1");
  if (action === "" || action === soapActionFor(operation)) {
    return;
  }
  throw new SoapFault(
    20012,
    `SOAPAction '${action}' does not match the operation in the Body (${operation}); send '${soapActionFor(operation)}' or leave it empty`,
  );
}
