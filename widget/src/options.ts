import type { Logger } from './log';
import type { ConsentMode, LeadsyncOptions } from './types';

/** `LeadsyncOptions` with every default applied. */
export interface ResolvedOptions {
  endpoint: string;
  locale: string | undefined;
  consent: ConsentMode;
  debug: boolean;
  submitNative: boolean;
  utmDefaults: Record<string, string>;
  clickIds: string[];
  timeoutMs: number;
  styleNonce: string | undefined;
}

export const DEFAULT_CLICK_IDS = ['gclid', 'fbclid', 'msclkid'];
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Applies the defaults and checks the values. An invalid endpoint throws a TypeError, since
 * nothing can be sent without one. An invalid consent mode is logged and read as `required`, the
 * safe side; an invalid timeout is logged and replaced by the default.
 */
export function resolveOptions(options: LeadsyncOptions, log: Logger): ResolvedOptions {
  const { endpoint, consent = 'granted', timeoutMs = DEFAULT_TIMEOUT_MS } = options;

  if (!/^https?:\/\/./.test(endpoint)) throw new TypeError(`endpoint: expected an http(s) URL, got "${endpoint}"`);
  if (!/^(granted|required)$/.test(consent)) log.error(`consent: expected "required" or "granted", got "${consent}"`);
  if (!(timeoutMs > 0)) log.error(`timeout: expected milliseconds such as 10000, got "${timeoutMs}"`);

  return {
    endpoint: endpoint.replace(/\/+$/, ''),
    locale: options.locale,
    consent: consent === 'granted' ? consent : 'required',
    debug: !!options.debug,
    submitNative: !!options.submitNative,
    utmDefaults: options.utmDefaults ?? {},
    clickIds: options.clickIds ?? DEFAULT_CLICK_IDS,
    timeoutMs: timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS,
    styleNonce: options.styleNonce
  };
}
