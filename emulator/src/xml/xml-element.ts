/** XML Schema instance namespace, which carries `xsi:nil`. */
export const XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance";

/**
 * An element of a parsed document, with names resolved to namespaces. `namespace` is the
 * empty string for an unqualified element (no default namespace in scope).
 */
export interface XmlElement {
  namespace: string;
  localName: string;
  /** Attribute values keyed by `{namespace}localName`, or by `localName` when unqualified. */
  attributes: Map<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA directly inside this element, entities decoded. */
  text: string;
}

/** Returns the first child with this local name and namespace (unqualified by default). */
export function findChild(
  parent: XmlElement,
  localName: string,
  namespace = "",
): XmlElement | undefined {
  return parent.children.find(
    (child) => child.localName === localName && child.namespace === namespace,
  );
}

export function findChildren(parent: XmlElement, localName: string, namespace = ""): XmlElement[] {
  return parent.children.filter(
    (child) => child.localName === localName && child.namespace === namespace,
  );
}

/** Tells whether the element carries `xsi:nil="true"` (or `"1"`, the other xs:boolean true). */
export function isNil(element: XmlElement): boolean {
  const nil = element.attributes.get(`{${XSI_NAMESPACE}}nil`);
  return nil === "true" || nil === "1";
}

/**
 * Returns the text of an optional simple element, or undefined when it is absent, nil or
 * empty. Text is returned exactly as received: no trimming.
 */
export function optionalText(parent: XmlElement, localName: string): string | undefined {
  const element = findChild(parent, localName);
  if (element === undefined || isNil(element) || element.text === "") {
    return undefined;
  }
  return element.text;
}

/** Formats a qualified name for messages, e.g. `{http://www.marketo.com/mktows/}paramsSyncLead`. */
export function qualifiedName(element: XmlElement): string {
  return element.namespace === "" ? element.localName : `{${element.namespace}}${element.localName}`;
}
