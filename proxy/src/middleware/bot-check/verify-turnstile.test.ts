import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BotCheckFailedError, BotCheckUnavailableError } from '../../errors.js';
import {
  BROKEN_TURNSTILE_TOKEN,
  startTurnstileStandIn,
  TURNSTILE_TEST_SECRET,
  VALID_TURNSTILE_TOKEN,
  type TurnstileStandIn,
} from '../../testing/turnstile-stand-in.js';
import { verifyTurnstile } from './verify-turnstile.js';

const SUBMISSION_ID = '3f0c2a5e-8b1d-4c7a-9e6f-2d4b8a1c0e93';

describe('verifyTurnstile against a local siteverify', () => {
  let standIn: TurnstileStandIn;

  beforeAll(async () => {
    standIn = await startTurnstileStandIn();
  });

  afterAll(async () => {
    await standIn.close();
  });

  function verify(token: string | undefined, secretKey = TURNSTILE_TEST_SECRET, idempotencyKey: string = crypto.randomUUID()) {
    return verifyTurnstile({ token, remoteAddress: '203.0.113.9', idempotencyKey }, { secretKey, verifyUrl: standIn.url });
  }

  it('accepts a valid token and posts secret, address and idempotency key', async () => {
    const before = standIn.requests.length;

    await verify(VALID_TURNSTILE_TOKEN, TURNSTILE_TEST_SECRET, SUBMISSION_ID);

    expect(standIn.requests.slice(before)).toEqual([
      { secret: TURNSTILE_TEST_SECRET, response: VALID_TURNSTILE_TOKEN, remoteip: '203.0.113.9', idempotencyKey: SUBMISSION_ID },
    ]);
  });

  it('rejects an invalid token with the error codes', async () => {
    const error = await verify('forged-token').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BotCheckFailedError);
    expect((error as BotCheckFailedError).status).toBe(403);
    expect((error as BotCheckFailedError).message).toBe('The anti-bot check failed: Turnstile rejected the token (invalid-input-response).');
    expect((error as BotCheckFailedError).publicMessage).not.toContain('Turnstile');
  });

  it('rejects a missing token without calling siteverify', async () => {
    const before = standIn.requests.length;

    await expect(verify(undefined)).rejects.toThrow(/no Turnstile token was posted in "signals.turnstileToken"/);
    expect(standIn.requests.length).toBe(before);
  });

  it('never puts the secret into an error', async () => {
    const error = await verify(VALID_TURNSTILE_TOKEN, 'wrong-secret-value').catch((caught: unknown) => caught);

    expect((error as Error).message).toContain('invalid-input-secret');
    expect((error as Error).message).not.toContain('wrong-secret-value');
  });

  it('reports an HTML 500 as unavailable and retryable', async () => {
    const error = await verify(BROKEN_TURNSTILE_TOKEN).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BotCheckUnavailableError);
    expect((error as BotCheckUnavailableError).status).toBe(503);
    expect((error as BotCheckUnavailableError).retryable).toBe(true);
    expect((error as BotCheckUnavailableError).retryAfterSeconds).toBe(5);
  });

  it('reports an unreachable siteverify as unavailable', async () => {
    const error = await verifyTurnstile(
      { token: VALID_TURNSTILE_TOKEN, remoteAddress: undefined, idempotencyKey: SUBMISSION_ID },
      { secretKey: TURNSTILE_TEST_SECRET, verifyUrl: 'http://127.0.0.1:1/siteverify' },
    ).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(BotCheckUnavailableError);
    expect((error as Error).message).toContain('Turnstile siteverify request failed');
  });
});
