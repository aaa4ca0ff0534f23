import type { Logger } from './log';
import type { LeadsyncApi } from './types';

/** A call recorded before the script loaded: the method name, then its arguments. */
export type QueuedCall = ArrayLike<unknown>;

/** `window.Leadsync` once the script has loaded. */
export interface LeadsyncGlobal extends LeadsyncApi {
  loaded: true;
  /** Kept for stubs that still push calls after loading; each pushed call runs at once. */
  q: { push(...calls: QueuedCall[]): void };
}

declare global {
  interface Window {
    /** Before the script loads, a stub such as `{ q: [] }` that records calls. */
    Leadsync?: LeadsyncGlobal | { q?: QueuedCall[] };
  }
}

/**
 * Replaces the stub in `window.Leadsync` with `api` and runs the calls the stub recorded, in
 * order. A host page records a call with `Leadsync.q.push(['consent', true])`.
 */
export function installGlobal(api: LeadsyncApi, log: Logger): void {
  const recorded = window.Leadsync?.q;

  const run = (call: QueuedCall): void => {
    const [method, ...args] = Array.from(call);
    if (Object.hasOwn(api, method as string)) (api[method as keyof LeadsyncApi] as (...a: unknown[]) => boolean)(...args);
    else log.error(`queued call: unknown method "${method}"`);
  };

  window.Leadsync = { ...api, loaded: true, q: { push: (...calls) => calls.forEach(run) } };
  if (Array.isArray(recorded)) recorded.forEach(run);
}
