const TEXT_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  // `>` is escaped everywhere so that a value containing `]]>` stays well-formed.
  ">": "&gt;",
  // A literal CR would be normalised to LF by the reader, so it travels as a character
  // reference to keep the stored value exact.
  "\r": "&#13;",
};

const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': "&quot;",
  // Attribute value normalisation turns literal tabs and newlines into spaces.
  "\t": "&#9;",
  "\n": "&#10;",
};

/** Escapes a string for XML element content. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>\r]/g, (character) => TEXT_ESCAPES[character] ?? character);
}

/** Escapes a string for a double-quoted XML attribute value. */
export function escapeXmlAttribute(value: string): string {
  return value.replace(/[&<>"\r\t\n]/g, (character) => ATTRIBUTE_ESCAPES[character] ?? character);
}
