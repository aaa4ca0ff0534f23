export type LogLevel = "info" | "warn" | "error";

/** Ids and facts attached to a log line. Never pass secrets, envelopes or e-mail addresses. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

export interface JsonLoggerOptions {
  /** Receives each finished line. Default: stdout for info, stderr for warn and error. */
  write?: (line: string, level: LogLevel) => void;
  clock?: () => Date;
  /** A line repeated (same level, message and code) within this many ms is counted, not printed. */
  repeatWindowMs?: number;
}

function writeToProcess(line: string, level: LogLevel): void {
  (level === "info" ? process.stdout : process.stderr).write(`${line}\n`);
}

/**
 * Creates a logger that prints one JSON object per line. Repeats of a line inside the
 * repeat window are counted and reported as `repeated` on the next line printed for it.
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const write = options.write ?? writeToProcess;
  const clock = options.clock ?? (() => new Date());
  const repeatWindowMs = options.repeatWindowMs ?? 10_000;
  const recent = new Map<string, { printedAt: number; suppressed: number }>();

  return {
    log(level, message, fields = {}) {
      const now = clock();
      const key = `${level}\u0000${message}\u0000${String(fields.code ?? "")}`;
      const seen = recent.get(key);
      if (seen !== undefined && now.getTime() - seen.printedAt < repeatWindowMs) {
        seen.suppressed += 1;
        return;
      }

      const repeated = seen?.suppressed ?? 0;
      recent.set(key, { printedAt: now.getTime(), suppressed: 0 });
      const entry = { time: now.toISOString(), level, message, ...fields, ...(repeated > 0 ? { repeated } : {}) };
      write(JSON.stringify(entry), level);
    },
  };
}

export const silentLogger: Logger = {
  log() {},
};

/** Masks an e-mail address for logs: `ana@example.test` becomes `a***@example.test`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  return at <= 0 ? "***" : `${email.charAt(0)}***${email.slice(at)}`;
}
