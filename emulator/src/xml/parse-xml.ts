import { SaxesParser } from "saxes";

import type { XmlElement } from "./xml-element.ts";

/** Raised when a document is not well-formed, or uses a DTD (which SOAP 1.1 forbids). */
export class XmlParseError extends Error {
  override name = "XmlParseError";
}

/**
 * Parses a complete XML document into a namespace-aware element tree. The parser is strict:
 * a bare `&`, an undeclared prefix or an unknown entity raises XmlParseError.
 */
export function parseXml(source: string): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;

  // Without an "error" handler saxes throws at the first well-formedness error, which
  // stops parsing there.
  parser.on("doctype", () => {
    throw new XmlParseError("a DOCTYPE is not allowed in a SOAP message");
  });

  parser.on("opentag", (tag) => {
    const attributes = new Map<string, string>();
    for (const attribute of Object.values(tag.attributes)) {
      const key = attribute.uri === "" ? attribute.local : `{${attribute.uri}}${attribute.local}`;
      attributes.set(key, attribute.value);
    }

    const element: XmlElement = {
      namespace: tag.uri,
      localName: tag.local,
      attributes,
      children: [],
      text: "",
    };
    const parent = open.at(-1);
    if (parent === undefined) {
      root = element;
    } else {
      parent.children.push(element);
    }
    open.push(element);
  });

  parser.on("closetag", () => {
    open.pop();
  });

  const appendText = (text: string): void => {
    const current = open.at(-1);
    if (current !== undefined) {
      current.text += text;
    }
  };
  parser.on("text", appendText);
  parser.on("cdata", appendText);

  try {
    parser.write(source).close();
  } catch (error) {
    if (error instanceof XmlParseError) {
      throw error;
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new XmlParseError(message, { cause: error });
  }

  if (root === undefined) {
    throw new XmlParseError("the document has no root element");
  }
  return root;
}
