/** Console output of the widget. `debug` prints only with `data-debug`; `error` always prints. */
export interface Logger {
  debug(message: string, ...details: unknown[]): void;
  error(message: string, ...details: unknown[]): void;
}

/** Creates the logger; messages never include field values or the cookie. */
export function createLogger(debug: boolean): Logger {
  return {
    debug(message, ...details) {
      if (debug) console.debug('[leadsync] ' + message, ...details);
    },
    error(message, ...details) {
      console.error('[leadsync] ' + message, ...details);
    }
  };
}
