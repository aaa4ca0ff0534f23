import { describe, expect, it } from 'vitest';

import { exceedsJsonDepth } from './json-depth.js';

describe('exceedsJsonDepth', () => {
  it('accepts nesting at the limit', () => {
    expect(exceedsJsonDepth('[[[]]]', 3)).toBe(false);
    expect(exceedsJsonDepth('{"a":{"b":[1]}}', 3)).toBe(false);
  });

  it('rejects nesting one level past the limit', () => {
    expect(exceedsJsonDepth('[[[[]]]]', 3)).toBe(true);
    expect(exceedsJsonDepth('{"a":{"b":{"c":[]}}}', 3)).toBe(true);
  });

  it('ignores brackets inside strings and after escaped quotes', () => {
    expect(exceedsJsonDepth('{"a":"[[[[{{{{"}', 1)).toBe(false);
    expect(exceedsJsonDepth('{"a":"\\"[[[[","b":"\\\\"}', 1)).toBe(false);
  });

  it('scans 100,000 open brackets without a stack overflow', () => {
    expect(exceedsJsonDepth('['.repeat(100_000) + ']'.repeat(100_000))).toBe(true);
  });
});
