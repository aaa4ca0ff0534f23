/**
 * Escapes `value` for XML element content. All five predefined entities are escaped, and a
 * carriage return becomes `&#xD;` because XML parsers turn a literal CR into LF (XML 1.0 §2.11).
 * Every other character stays raw UTF-8; HTML entities such as `&eacute;` do not exist in XML.
 */
export function escapeXmlText(value: string): string {
  return value.replace(/[&<>"'\r]/g, (character) => XML_ESCAPES[character] ?? character);
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// With the `u` flag a lone surrogate is one code point in the D800-DFFF range, so it matches too.
const NOT_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/**
 * Returns the first code point of `value` that XML 1.0 cannot carry, even as a character
 * reference (control characters, lone surrogates, U+FFFE, U+FFFF), or undefined when there is none.
 */
export function findInvalidXmlCharacter(value: string): number | undefined {
  const match = NOT_XML_CHARACTER.exec(value);
  return match === null ? undefined : match[0].codePointAt(0);
}

/** Formats a code point as `U+XXXX` for error messages. */
export function formatCodePoint(codePoint: number): string {
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
