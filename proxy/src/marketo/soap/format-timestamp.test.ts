import { describe, expect, it } from 'vitest';

import { formatTimestamp } from './format-timestamp.js';

describe('formatTimestamp', () => {
  const instant = new Date('2026-01-15T18:00:00Z');

  it('renders UTC as +00:00 by default', () => {
    expect(formatTimestamp(instant)).toBe('2026-01-15T18:00:00+00:00');
  });

  it('renders a negative offset', () => {
    expect(formatTimestamp(instant, -480)).toBe('2026-01-15T10:00:00-08:00');
    expect(formatTimestamp(instant, -420)).toBe('2026-01-15T11:00:00-07:00');
  });

  it('renders half-hour and quarter-hour offsets', () => {
    expect(formatTimestamp(instant, 330)).toBe('2026-01-15T23:30:00+05:30');
    expect(formatTimestamp(instant, -210)).toBe('2026-01-15T14:30:00-03:30');
    expect(formatTimestamp(instant, 345)).toBe('2026-01-15T23:45:00+05:45');
  });

  it('crosses the date line with the offset', () => {
    expect(formatTimestamp(new Date('2026-01-15T23:30:00Z'), 60)).toBe('2026-01-16T00:30:00+01:00');
    expect(formatTimestamp(new Date('2026-01-01T00:30:00Z'), -60)).toBe('2025-12-31T23:30:00-01:00');
  });

  it('truncates to whole seconds', () => {
    expect(formatTimestamp(new Date('2026-01-15T18:00:00.999Z'))).toBe('2026-01-15T18:00:00+00:00');
  });

  it('rejects an offset outside -12:00 to +14:00', () => {
    expect(() => formatTimestamp(instant, 900)).toThrow(/-720 to 840, got 900/);
    expect(() => formatTimestamp(instant, 1.5)).toThrow(RangeError);
  });

  it('rejects an invalid date', () => {
    expect(() => formatTimestamp(new Date('not a date'))).toThrow(/invalid Date/);
  });
});
