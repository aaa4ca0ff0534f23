const TEXT_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  // `>` is escaped everywhere so that a value containing `]]>` stays well-formed.
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  // A literal CR would be normalised to LF by the reader, so it travels as a character
  // reference to keep the stored value exact.
  "\r": "&#13;",
};

/** Escapes a string for use in XML text or in a double- or single-quoted attribute. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"'\r]/g, (character) => TEXT_ESCAPES[character] ?? character);
}
