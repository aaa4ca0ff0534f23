import { describe, expect, it } from 'vitest';

import { joinUrl } from './join-url.js';

describe('joinUrl', () => {
  it.each([
    ['https://123-ABC-456.mktorest.com', '/rest/v1/leads.json'],
    ['https://123-ABC-456.mktorest.com/', '/rest/v1/leads.json'],
    ['https://123-ABC-456.mktorest.com//', 'rest/v1/leads.json'],
  ])('joins %s and %s with one slash', (base, path) => {
    expect(joinUrl(base, path)).toBe('https://123-ABC-456.mktorest.com/rest/v1/leads.json');
  });

  it('keeps a base path', () => {
    expect(joinUrl('http://127.0.0.1:8790/marketo/', '/identity/oauth/token')).toBe('http://127.0.0.1:8790/marketo/identity/oauth/token');
  });
});
