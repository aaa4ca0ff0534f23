import { SaxesParser, type SaxesTagNS } from 'saxes';

/** An element of a parsed XML document, with names resolved to namespace URIs. */
export interface XmlElement {
  /** Namespace URI, or null for an element in no namespace. */
  namespace: string | null;
  localName: string;
  attributes: XmlAttribute[];
  /** Prefix bindings declared on this element itself. The default namespace has the key "". */
  declaredNamespaces: Record<string, string>;
  parent: XmlElement | undefined;
  children: XmlElement[];
  /** Text of this element and of all its descendants, in document order (DOM `textContent`). */
  text: string;
}

export interface XmlAttribute {
  namespace: string | null;
  localName: string;
  value: string;
}

/**
 * Parses `source` as a whole XML document and returns its root element, or undefined when the
 * text is not well-formed. The parser is strict and namespace-aware: an unclosed tag, an unbound
 * prefix or an unknown entity each make it fail. Comments and processing instructions are dropped.
 */
export function parseXmlTree(source: string): XmlElement | undefined {
  // Without an "error" handler saxes throws at the first error, so parsing stops there.
  const parser = new SaxesParser({ xmlns: true, position: false });
  let root: XmlElement | undefined;
  let current: XmlElement | undefined;

  parser.on('opentag', (tag) => {
    const element = elementFromTag(tag, current);
    if (current === undefined) root = element;
    else current.children.push(element);
    current = element;
  });

  parser.on('closetag', () => {
    const parent = current?.parent;
    if (parent !== undefined && current !== undefined) parent.text += current.text;
    current = parent;
  });

  const appendText = (text: string): void => {
    if (current !== undefined) current.text += text;
  };
  parser.on('text', appendText);
  parser.on('cdata', appendText);

  try {
    parser.write(source).close();
  } catch {
    return undefined;
  }
  return root;
}

function elementFromTag(tag: SaxesTagNS, parent: XmlElement | undefined): XmlElement {
  const attributes: XmlAttribute[] = [];
  for (const attribute of Object.values(tag.attributes)) {
    attributes.push({ namespace: attribute.uri || null, localName: attribute.local, value: attribute.value });
  }

  return {
    namespace: tag.uri || null,
    localName: tag.local,
    attributes,
    declaredNamespaces: tag.ns,
    parent,
    children: [],
    text: '',
  };
}

/** Finds the first child element with this namespace (null for none) and local name. */
export function childElement(parent: XmlElement, namespace: string | null, localName: string): XmlElement | undefined {
  return parent.children.find((child) => child.namespace === namespace && child.localName === localName);
}

/** Returns the value of the attribute with this namespace (null for none) and local name. */
export function attributeValue(element: XmlElement, namespace: string | null, localName: string): string | undefined {
  return element.attributes.find((attribute) => attribute.namespace === namespace && attribute.localName === localName)?.value;
}

/**
 * Returns the namespace URI bound to `prefix` in the scope of `element` (null means the
 * default namespace), or undefined when the prefix is unbound there. An empty binding (`xmlns=""`)
 * counts as unbound, as in the DOM's `lookupNamespaceURI`.
 */
export function lookupNamespace(element: XmlElement, prefix: string | null): string | undefined {
  const key = prefix ?? '';
  for (let scope: XmlElement | undefined = element; scope !== undefined; scope = scope.parent) {
    const namespace = scope.declaredNamespaces[key];
    if (namespace !== undefined) return namespace === '' ? undefined : namespace;
  }
  return undefined;
}
