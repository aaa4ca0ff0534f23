import type { FormDefinition } from '../../forms/form-definition.js';
import type { Counter } from '../../observability/metrics.js';
import { judgeFillSignals, readSignals, type BotReason } from './check-signals.js';
import { verifyTurnstile, type TurnstileOptions } from './verify-turnstile.js';

export { judgeFillSignals, readSignals, type BotReason, type FillSignals, type FillVerdict } from './check-signals.js';
export { TURNSTILE_VERIFY_URL, verifyTurnstile, type TurnstileOptions, type TurnstileRequest } from './verify-turnstile.js';

export interface BotCheckOptions {
  /**
   * Replaces every form's `minFillMs` (`LEADSYNC_MIN_FILL_MS`). Meant for automated browser
   * tests, which fill a form within milliseconds. Default: each form's own value.
   */
  minFillMsOverride?: number | undefined;
  /** Turns on Turnstile verification; every submission must then carry a valid token. */
  turnstile?: TurnstileOptions | undefined;
  /** Counts flagged submissions by reason. */
  flagged?: Counter;
}

export interface BotCheckRequest {
  /** The posted `signals` object, not yet checked. */
  signals: Record<string, unknown> | undefined;
  submissionId: string;
  remoteAddress: string | undefined;
}

export type BotCheckResult = { bot: false } | { bot: true; reason: BotReason; elapsedMs?: number; minFillMs: number };

export interface BotCheck {
  /**
   * Judges a submission. Resolves `{ bot: true }` for a filled honeypot or a too-fast fill; the
   * caller then returns a success response and sends nothing to Marketo. Throws `RequestError`
   * for malformed signals, `BotCheckFailedError` for a rejected Turnstile token and
   * `BotCheckUnavailableError` when Turnstile cannot be reached.
   */
  check(form: FormDefinition, request: BotCheckRequest): Promise<BotCheckResult>;
}

/**
 * Creates the bot check of submissions. It runs inside the submission handler rather than as
 * route middleware, because it needs the parsed body and must run after the idempotency lookup.
 * A Turnstile token is valid for one verification, so a repeated submission must not be
 * verified again.
 */
export function createBotCheck(options: BotCheckOptions = {}): BotCheck {
  return {
    async check(form, request) {
      const signals = readSignals(request.signals);
      const minFillMs = options.minFillMsOverride ?? form.minFillMs;

      const verdict = judgeFillSignals(signals, minFillMs);
      if (verdict.bot) {
        options.flagged?.inc({ reason: verdict.reason });
        return { bot: true, reason: verdict.reason, minFillMs, ...(signals.elapsedMs !== undefined && { elapsedMs: signals.elapsedMs }) };
      }

      if (options.turnstile !== undefined) {
        await verifyTurnstile(
          { token: signals.turnstileToken, remoteAddress: request.remoteAddress, idempotencyKey: request.submissionId },
          options.turnstile,
        );
      }
      return { bot: false };
    },
  };
}
