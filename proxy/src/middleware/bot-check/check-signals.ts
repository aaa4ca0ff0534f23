import { RequestError } from '../../errors.js';

/** The `signals` object the widget posts with a submission. Every key is optional. */
export interface FillSignals {
  /** Value of the hidden honeypot input; people leave it empty. */
  honeypot?: string;
  /** Milliseconds from showing the form to submitting it. */
  elapsedMs?: number;
  /** Cloudflare Turnstile token, when the page runs the Turnstile widget. */
  turnstileToken?: string;
}

export type BotReason = 'honeypot' | 'too_fast';

export type FillVerdict = { bot: false } | { bot: true; reason: BotReason };

const SIGNAL_KEYS = ['honeypot', 'elapsedMs', 'turnstileToken'];
// A honeypot value is never sent anywhere; this only bounds what the proxy looks at.
const MAX_HONEYPOT_LENGTH = 2_000;
// Cloudflare documents 2048 characters as the maximum Turnstile token length.
const MAX_TURNSTILE_TOKEN_LENGTH = 2_048;

/**
 * Checks the types of a posted `signals` object. Throws `RequestError` (400 `invalid_request`)
 * naming the key, because a malformed signal comes from a client bug, not from a visitor.
 */
export function readSignals(value: Record<string, unknown> | undefined): FillSignals {
  if (value === undefined) return {};

  const unknownKey = Object.keys(value).find((key) => !SIGNAL_KEYS.includes(key));
  if (unknownKey !== undefined) {
    throw invalidSignal(`Unknown key ${JSON.stringify(unknownKey)} in "signals"; expected ${SIGNAL_KEYS.join(', ')}.`);
  }

  const { honeypot, elapsedMs, turnstileToken } = value;
  if (honeypot !== undefined && (typeof honeypot !== 'string' || honeypot.length > MAX_HONEYPOT_LENGTH)) {
    throw invalidSignal(`"signals.honeypot" must be a string of at most ${MAX_HONEYPOT_LENGTH} characters.`);
  }
  if (elapsedMs !== undefined && (typeof elapsedMs !== 'number' || !Number.isFinite(elapsedMs) || elapsedMs < 0)) {
    throw invalidSignal('"signals.elapsedMs" must be the milliseconds from showing the form to submitting it, a number of 0 or more.');
  }
  if (turnstileToken !== undefined && (typeof turnstileToken !== 'string' || turnstileToken.length > MAX_TURNSTILE_TOKEN_LENGTH)) {
    throw invalidSignal(`"signals.turnstileToken" must be the Turnstile token string, at most ${MAX_TURNSTILE_TOKEN_LENGTH} characters.`);
  }

  return {
    ...(honeypot !== undefined && { honeypot }),
    ...(elapsedMs !== undefined && { elapsedMs }),
    ...(turnstileToken !== undefined && { turnstileToken }),
  };
}

/**
 * Judges the widget's signals: a filled honeypot, or a form submitted faster than `minFillMs`
 * after it was shown, is a bot. Missing signals judge nothing, so API clients that post
 * without them pass.
 */
export function judgeFillSignals(signals: FillSignals, minFillMs: number): FillVerdict {
  if (signals.honeypot !== undefined && signals.honeypot.trim() !== '') return { bot: true, reason: 'honeypot' };
  if (signals.elapsedMs !== undefined && signals.elapsedMs < minFillMs) return { bot: true, reason: 'too_fast' };
  return { bot: false };
}

function invalidSignal(message: string): RequestError {
  return new RequestError('invalid_request', 400, message);
}
