/**
 * Structured logging: one JSON object per line with a level, a message and ids. Callers pass
 * ids such as `submissionId` and `leadId`, never keys, signatures, envelopes or raw e-mail
 * addresses.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

/**
 * Creates a logger that writes one JSON line per entry through `write` (default `console.log`).
 * NOTE: repeated lines are not counted or suppressed yet, so an upstream outage logs every failure.
 */
export function createJsonLogger(write: (line: string) => void = console.log): Logger {
  return {
    log(level, message, fields = {}) {
      write(JSON.stringify({ level, message, time: new Date().toISOString(), ...fields }));
    },
  };
}

/** A logger that drops every entry, for tests that do not inspect logs. */
export const silentLogger: Logger = { log() {} };

const EMAIL_ADDRESS = /([^\s@<>"'()]{1,64})@([^\s@<>"'()]+\.[^\s@<>"'()]+)/g;

/**
 * Masks e-mail addresses in free text, keeping the first character of the local part and the
 * domain (`ana@example.test` becomes `a***@example.test`), so log lines stay useful without
 * recording who submitted.
 */
export function maskEmailAddresses(text: string): string {
  return text.replace(EMAIL_ADDRESS, (_match, local: string, domain: string) => `${local.slice(0, 1)}***@${domain}`);
}
