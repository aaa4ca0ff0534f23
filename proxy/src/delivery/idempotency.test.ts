import { describe, expect, it } from 'vitest';

import { LeadsyncError, RequestError } from '../errors.js';
import { MemoryStore } from '../stores/memory-store.js';
import { fingerprintSubmission, IdempotencyGuard, type IdempotentResponse } from './idempotency.js';

const ID = '3f0c2a5e-8b1d-4c7a-9e6f-2d4b8a1c0e93';
const CREATED: IdempotentResponse = { status: 200, body: { submissionId: ID, status: 'created', leadId: 7 } };

describe('IdempotencyGuard', () => {
  it('returns the stored response without running the work again', async () => {
    const guard = new IdempotencyGuard({ store: new MemoryStore() });
    let runs = 0;
    const work = async () => {
      runs += 1;
      return CREATED;
    };

    const first = await guard.run(ID, 'fp', work);
    const second = await guard.run(ID, 'fp', work);

    expect(first).toEqual({ response: CREATED, replayed: false });
    expect(second).toEqual({ response: CREATED, replayed: true });
    expect(runs).toBe(1);
  });

  it('joins a repeat that arrives while the first runs', async () => {
    const guard = new IdempotencyGuard({ store: new MemoryStore() });
    let release!: () => void;
    let runs = 0;
    const work = async () => {
      runs += 1;
      await new Promise<void>((resolve) => (release = resolve));
      return CREATED;
    };

    const first = guard.run(ID, 'fp', work);
    const second = guard.run(ID, 'fp', work);
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();

    expect(await first).toMatchObject({ replayed: false });
    expect(await second).toMatchObject({ response: CREATED, replayed: true });
    expect(runs).toBe(1);
  });

  it('stores nothing when the work fails', async () => {
    const guard = new IdempotencyGuard({ store: new MemoryStore() });

    await expect(guard.run(ID, 'fp', () => Promise.reject(new LeadsyncError('upstream_unavailable', 'down', { retryable: true })))).rejects.toThrow('down');
    const retry = await guard.run(ID, 'fp', async () => CREATED);

    expect(retry).toEqual({ response: CREATED, replayed: false });
  });

  it('rejects an id reused for other content with 422', async () => {
    const guard = new IdempotencyGuard({ store: new MemoryStore() });
    await guard.run(ID, 'fp-one', async () => CREATED);

    const error = await guard.run(ID, 'fp-two', async () => CREATED).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).status).toBe(422);
    expect((error as RequestError).code).toBe('submission_id_reused');
    expect((error as RequestError).message).toContain(ID);
  });

  it('forgets a response after the time to live', async () => {
    let now = 0;
    const guard = new IdempotencyGuard({ store: new MemoryStore({ now: () => now }), ttlMs: 1000 });
    await guard.run(ID, 'fp', async () => CREATED);

    now = 1000;
    const later = await guard.run(ID, 'fp', async () => ({ status: 200 as const, body: { leadId: 8 } }));

    expect(later).toEqual({ response: { status: 200, body: { leadId: 8 } }, replayed: false });
  });
});

describe('fingerprintSubmission', () => {
  it('ignores the key order of the fields', () => {
    const a = fingerprintSubmission('contact', { email: 'ana@example.test', firstName: 'Ana' });
    const b = fingerprintSubmission('contact', { firstName: 'Ana', email: 'ana@example.test' });

    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
  });

  it('differs for another form or value', () => {
    const base = fingerprintSubmission('contact', { email: 'ana@example.test' });

    expect(fingerprintSubmission('webinar', { email: 'ana@example.test' })).not.toBe(base);
    expect(fingerprintSubmission('contact', { email: 'bob@example.test' })).not.toBe(base);
  });

  it('keeps a __proto__ key as data', () => {
    const withProto = JSON.parse('{"email":"ana@example.test","__proto__":{"x":1}}') as unknown;

    expect(fingerprintSubmission('contact', withProto)).not.toBe(fingerprintSubmission('contact', { email: 'ana@example.test' }));
  });
});
