import type { LogFields, Logger, LogLevel } from '../log.js';

export interface StructuredLoggerOptions {
  /** Receives one JSON line per entry with the entry's level, so a writer can flush errors at once. Default `console.log`. */
  write?: (line: string, level: LogLevel) => void;
  /** Clock in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Window in which identical warnings and errors are written once, in ms. Default 60,000. */
  repeatWindowMs?: number;
}

/** A `Logger` that can write out what it still holds back. */
export interface StructuredLogger extends Logger {
  /** Writes the counts of held-back repeats now, e.g. before the process stops. */
  flush(): void;
}

interface RepeatWindow {
  startedAt: number;
  /** Lines held back since the window started. */
  suppressed: number;
  level: LogLevel;
  message: string;
  /** Fields of the last held-back line, so the count line carries a sample of ids. */
  fields: LogFields;
}

const DEFAULT_REPEAT_WINDOW_MS = 60_000;
// Distinct messages tracked at once; beyond this, repeats are written instead of counted.
const MAX_TRACKED_MESSAGES = 1_000;
const COUNTED_LEVELS: ReadonlySet<LogLevel> = new Set(['warn', 'error']);

const EMAIL_ADDRESS = /([^\s@<>"'()]{1,64})@([^\s@<>"'()]+\.[^\s@<>"'()]+)/g;

/**
 * Creates the proxy's logger: one JSON object per line with `level`, `message`, `time` and the
 * caller's fields (`requestId`, `submissionId`, `leadId`, ...). E-mail addresses are masked in
 * the message and in every string field.
 *
 * A warning or error whose level, message and `code` repeat within the window is written once.
 * The repeats are counted, and the count is written as a line with `repeated: N` when the
 * window has passed and any line is logged, or on `flush()`.
 */
export function createStructuredLogger(options: StructuredLoggerOptions = {}): StructuredLogger {
  const write = options.write ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  const repeatWindowMs = options.repeatWindowMs ?? DEFAULT_REPEAT_WINDOW_MS;
  const windows = new Map<string, RepeatWindow>();

  function writeEntry(level: LogLevel, message: string, fields: LogFields): void {
    write(JSON.stringify({ level, message: maskEmailAddresses(message), time: new Date(now()).toISOString(), ...maskFields(fields) }), level);
  }

  function writeRepeatCount(window: RepeatWindow): void {
    const seconds = Math.round(repeatWindowMs / 1000);
    writeEntry(window.level, window.message, { ...window.fields, repeated: window.suppressed, repeatWindowSeconds: seconds });
  }

  function closeExpiredWindows(at: number): void {
    for (const [key, window] of windows) {
      if (at - window.startedAt < repeatWindowMs) continue;
      windows.delete(key);
      if (window.suppressed > 0) writeRepeatCount(window);
    }
  }

  /** Returns true when the line repeats one written within the window, after counting it. */
  function holdBack(level: LogLevel, message: string, fields: LogFields, at: number): boolean {
    if (!COUNTED_LEVELS.has(level)) return false;

    const key = `${level}\u0000${message}\u0000${String(fields.code ?? '')}`;
    const window = windows.get(key);
    if (window !== undefined) {
      window.suppressed += 1;
      window.fields = fields;
      return true;
    }

    if (windows.size < MAX_TRACKED_MESSAGES) windows.set(key, { startedAt: at, suppressed: 0, level, message, fields });
    return false;
  }

  return {
    log(level, message, fields = {}) {
      const at = now();
      closeExpiredWindows(at);
      if (holdBack(level, message, fields, at)) return;
      writeEntry(level, message, fields);
    },

    flush() {
      for (const window of windows.values()) {
        if (window.suppressed > 0) writeRepeatCount(window);
      }
      windows.clear();
    },
  };
}

/** Returns a logger that adds `fields` (e.g. `requestId`) to every line; a line's own fields win. */
export function childLogger(parent: Logger, fields: LogFields): Logger {
  return {
    log(level, message, own = {}) {
      parent.log(level, message, { ...fields, ...own });
    },
  };
}

/**
 * Masks e-mail addresses in free text, keeping the first character of the local part and the
 * domain (`ana@example.test` becomes `a***@example.test`), so log lines stay useful without
 * recording who submitted.
 */
export function maskEmailAddresses(text: string): string {
  // Most fields hold no "@"; skipping the regular expression for them keeps logging cheap.
  if (!text.includes('@')) return text;
  return text.replace(EMAIL_ADDRESS, (_match, local: string, domain: string) => `${local.slice(0, 1)}***@${domain}`);
}

function maskFields(fields: LogFields): LogFields {
  const masked: LogFields = {};
  for (const [name, value] of Object.entries(fields)) {
    masked[name] = typeof value === 'string' ? maskEmailAddresses(value) : value;
  }
  return masked;
}
