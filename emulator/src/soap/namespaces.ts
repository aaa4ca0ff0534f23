/** SOAP 1.1 envelope namespace. */
export const SOAP_ENVELOPE_NAMESPACE = "http://schemas.xmlsoap.org/soap/envelope/";

/** SOAP 1.2 envelope namespace, named in the version-mismatch fault. */
export const SOAP12_ENVELOPE_NAMESPACE = "http://www.w3.org/2003/05/soap-envelope";

/** Marketo's target namespace; only global elements are qualified with it. */
export const MKTOWS_NAMESPACE = "http://www.marketo.com/mktows/";
