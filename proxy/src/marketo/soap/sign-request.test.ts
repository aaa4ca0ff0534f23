import { describe, expect, it } from 'vitest';

import { formatTimestamp } from './format-timestamp.js';
import { signRequest } from './sign-request.js';

// Signed samples from Marketo's SOAP documentation, all for this user and key.
const DOCS_USER = 'demo17_1_809934544BFABAE58E5D27';
const DOCS_KEY = '27272727aa';

describe('signRequest', () => {
  it.each([
    ['2013-08-01T18:22:30-07:00', 'b5e21953ae9f1b263e644da5eccce9ff33802513'],
    ['2013-08-02T15:47:06-07:00', '146ec93f4f1e2a45f7a545f7e42e2d053c0457e7'],
    ['2013-08-20T13:32:02-07:00', 'cdea055214cc726b651dc44ef694e1db4babfcb1'],
    ['2013-08-05T09:57:10-07:00', '0737b707c4022bb90122e7a1dbc79a2dbfbcd5ca'],
  ])('matches the documentation sample signed at %s', async (timestamp, expected) => {
    expect(await signRequest(DOCS_USER, DOCS_KEY, timestamp)).toBe(expected);
  });

  it.each([
    ['2026-01-15T10:00:00-08:00', 'a146fe05761bb28ae17c54a59e909c33736884bb'],
    ['2026-01-15T18:00:00+00:00', '7c43c94feb6c0f163924c1f2d80cafd475b343b9'],
    ['2026-01-15T18:00:00Z', '90ac97b52628cc7e5b193d8eee2b9294b0c389de'],
  ])('signs the text, not the instant: %s', async (timestamp, expected) => {
    expect(await signRequest(DOCS_USER, DOCS_KEY, timestamp)).toBe(expected);
  });

  it('matches the older bigcorp1 vector', async () => {
    const signature = await signRequest(
      'bigcorp1_461839624B16E06BA2D663',
      '899756834129871744AAEE88DDCC77CDEEDEC1AAAD66',
      '2010-04-09T14:04:54-07:00',
    );
    expect(signature).toBe('ffbff4d4bef354807481e66dc7540f7890523a87');
  });

  it('returns 40 lowercase hex digits', async () => {
    const signature = await signRequest('leadsync_demo_1A2B3C4D5E6F', 'demo-encryption-key', '2026-01-15T18:00:00+00:00');
    expect(signature).toMatch(/^[0-9a-f]{40}$/);
  });

  it('signs a formatted timestamp like the documentation', async () => {
    const timestamp = formatTimestamp(new Date('2026-01-15T18:00:00Z'), -480);
    expect(timestamp).toBe('2026-01-15T10:00:00-08:00');
    expect(await signRequest(DOCS_USER, DOCS_KEY, timestamp)).toBe('a146fe05761bb28ae17c54a59e909c33736884bb');
  });
});
