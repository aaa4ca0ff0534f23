/** Maximum characters of a client-sent value quoted in an error message or a log line. */
export const MAX_ECHOED_LENGTH = 64;

/**
 * Shortens client-sent text to `maxLength` code points plus "…", so a response or log line
 * quoting it cannot grow far beyond a normal request.
 */
export function truncate(text: string, maxLength: number = MAX_ECHOED_LENGTH): string {
  const codePoints = [...text.slice(0, maxLength * 2)];
  return codePoints.length > maxLength || text.length > maxLength * 2 ? `${codePoints.slice(0, maxLength).join('')}…` : text;
}
