import { describe, expect, it } from 'vitest';
import { MESSAGES, message } from './messages';

describe('messages', () => {
  it('has an English and a German text for every key', () => {
    for (const texts of Object.values(MESSAGES)) {
      expect(texts).toHaveLength(2);
      expect(texts.every((text) => text.length > 0)).toBe(true);
    }
  });

  it('fills in the length limit', () => {
    expect(message('en', 'too_long', 20)).toBe('Please use at most 20 characters.');
    expect(message('de', 'too_short', 2)).toBe('Bitte verwenden Sie mindestens 2 Zeichen.');
  });
});
