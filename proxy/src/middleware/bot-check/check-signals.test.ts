import { describe, expect, it } from 'vitest';

import { RequestError } from '../../errors.js';
import { judgeFillSignals, readSignals } from './check-signals.js';

describe('readSignals', () => {
  it('accepts the widget signals', () => {
    expect(readSignals({ honeypot: '', elapsedMs: 4200, turnstileToken: 'token' })).toEqual({ honeypot: '', elapsedMs: 4200, turnstileToken: 'token' });
  });

  it('accepts missing signals', () => {
    expect(readSignals(undefined)).toEqual({});
    expect(readSignals({})).toEqual({});
  });

  it.each([
    [{ elapsedMS: 10 }, 'Unknown key "elapsedMS" in "signals"'],
    [{ honeypot: 5 }, '"signals.honeypot" must be a string'],
    [{ honeypot: 'x'.repeat(2001) }, '"signals.honeypot" must be a string'],
    [{ elapsedMs: '4200' }, '"signals.elapsedMs" must be'],
    [{ elapsedMs: -1 }, '"signals.elapsedMs" must be'],
    [{ turnstileToken: 'x'.repeat(2049) }, '"signals.turnstileToken" must be'],
  ])('rejects %j', (signals, message) => {
    const error = (() => {
      try {
        readSignals(signals);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();

    expect(error).toBeInstanceOf(RequestError);
    expect((error as RequestError).code).toBe('invalid_request');
    expect((error as RequestError).message).toContain(message);
  });
});

describe('judgeFillSignals', () => {
  it('flags a filled honeypot', () => {
    expect(judgeFillSignals({ honeypot: 'https://spam.example', elapsedMs: 9000 }, 1500)).toEqual({ bot: true, reason: 'honeypot' });
  });

  it('flags a fill faster than minFillMs', () => {
    expect(judgeFillSignals({ honeypot: '', elapsedMs: 1499 }, 1500)).toEqual({ bot: true, reason: 'too_fast' });
  });

  it('passes a person and a client without signals', () => {
    expect(judgeFillSignals({ honeypot: '  ', elapsedMs: 1500 }, 1500)).toEqual({ bot: false });
    expect(judgeFillSignals({}, 1500)).toEqual({ bot: false });
  });
});
