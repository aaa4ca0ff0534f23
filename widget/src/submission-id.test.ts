import { describe, expect, it } from 'vitest';
import { createSubmissionId } from './submission-id';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('createSubmissionId', () => {
  it('creates distinct version 4 UUIDs', () => {
    const ids = new Set(Array.from({ length: 50 }, createSubmissionId));
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });

  it('builds one without crypto.randomUUID, as on plain http pages', () => {
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      expect(crypto.randomUUID).toBeUndefined();
      for (let i = 0; i < 50; i++) expect(createSubmissionId()).toMatch(UUID_V4);
    } finally {
      delete (crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(crypto.randomUUID).toBeTypeOf('function');
  });
});
