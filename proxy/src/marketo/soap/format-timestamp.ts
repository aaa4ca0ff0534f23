/**
 * Formats `date` as `YYYY-MM-DDTHH:mm:ss±HH:MM` in a fixed offset from UTC, with whole seconds.
 *
 * Marketo's SOAP documentation shows this W3C form in every signed sample (e.g.
 * `2013-06-09T14:04:54-08:00`), and the signature covers this exact text, so the same string
 * must go into `requestTimestamp` and into `signRequest`. Fractional seconds are truncated.
 *
 * @param offsetMinutes Offset east of UTC in minutes, from -720 to +840; `330` renders `+05:30`.
 */
export function formatTimestamp(date: Date, offsetMinutes = 0): string {
  if (!Number.isInteger(offsetMinutes) || offsetMinutes < -720 || offsetMinutes > 840) {
    throw new RangeError(`Invalid timestamp offset: expected whole minutes from -720 to 840, got ${offsetMinutes}.`);
  }
  if (Number.isNaN(date.getTime())) {
    throw new RangeError('Invalid timestamp date: got an invalid Date.');
  }

  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const dateTime = local.toISOString().slice(0, 19);

  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const hours = String(Math.floor(absolute / 60)).padStart(2, '0');
  const minutes = String(absolute % 60).padStart(2, '0');

  return `${dateTime}${sign}${hours}:${minutes}`;
}
