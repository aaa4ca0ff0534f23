/**
 * Log lines written in batches. `console.log` formats its argument and makes one write system
 * call per line, which cost an estimated 0.1 ms of CPU per submission under load (CPU profiles
 * of `pnpm bench:proxy`). Lines collected here are written together on the next timer turn, or
 * at once when `maxPendingChars` are waiting.
 */

export interface BatchedLines {
  /** Queues one line; the newline is added. */
  write(line: string): void;
  /** Writes every queued line now, e.g. when the process exits. */
  flush(): void;
}

export interface BatchedLinesOptions {
  /** Receives one chunk of whole lines, each ending in a newline. */
  output: (chunk: string) => void;
  /** Queued characters that make the batch leave at once. Default 64 KiB. */
  maxPendingChars?: number;
}

const DEFAULT_MAX_PENDING_CHARS = 64 * 1024;

export function createBatchedLines(options: BatchedLinesOptions): BatchedLines {
  const maxPendingChars = options.maxPendingChars ?? DEFAULT_MAX_PENDING_CHARS;
  let pending: string[] = [];
  let pendingChars = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;

    const chunk = `${pending.join('\n')}\n`;
    pending = [];
    pendingChars = 0;
    options.output(chunk);
  }

  return {
    write(line) {
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars >= maxPendingChars) flush();
      else timer ??= setTimeout(flush, 0);
    },
    flush,
  };
}
