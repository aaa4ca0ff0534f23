/**
 * Structured logging: one JSON object per line with a level, a message and ids. Callers pass
 * ids such as `submissionId` and `leadId`, never keys, signatures, envelopes or raw e-mail
 * addresses.
 */

import { createStructuredLogger, maskEmailAddresses, type StructuredLogger } from './observability/logger.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

/**
 * Creates a logger that writes one JSON line per entry through `write` (default `console.log`).
 * Identical warnings and errors within a minute are written once and then counted, as
 * `createStructuredLogger` describes.
 */
export function createJsonLogger(write: (line: string, level: LogLevel) => void = (line) => console.log(line)): StructuredLogger {
  return createStructuredLogger({ write });
}

/** A logger that drops every entry, for tests that do not inspect logs. */
export const silentLogger: Logger = { log() {} };

export { maskEmailAddresses };
