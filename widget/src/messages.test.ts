import { describe, expect, it } from 'vitest';
import { MESSAGES, message } from './messages';

describe('messages', () => {
  it('has every English key in German', () => {
    expect(Object.keys(MESSAGES.de).sort()).toEqual(Object.keys(MESSAGES.en).sort());
  });

  it('fills in the length limit', () => {
    expect(message('en', 'too_long', 20)).toBe('Please use at most 20 characters.');
    expect(message('de', 'too_short', 2)).toBe('Bitte verwenden Sie mindestens 2 Zeichen.');
  });
});
