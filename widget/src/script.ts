/*
 * Entry of leadsync.js, the build for a plain <script> tag: it reads its options from the tag's
 * data- attributes, binds every marked form on the page, now and later, and installs window.Leadsync.
 */
import { installGlobal } from './global';
import { createLeadsync } from './leadsync';
import { createLogger } from './log';
import type { ConsentMode } from './types';

// `document.currentScript` is set only while this file first runs, so it is read before anything else.
const script = document.currentScript as HTMLScriptElement | null;
const log = createLogger(false);

/** A flag attribute is on when present, unless its value is "false". */
const flag = (value: string | undefined): boolean => value !== undefined && value !== 'false';

try {
  if (!script?.src) {
    log.error('no <script src> tag found; load leadsync.js with a classic <script src>, or import leadsync.mjs');
  } else if (!(window.Leadsync && 'loaded' in window.Leadsync)) {
    const data = script.dataset;
    const api = createLeadsync({
      endpoint: data.endpoint || new URL(script.src).origin,
      locale: data.locale,
      consent: data.consent as ConsentMode | undefined,
      debug: flag(data.debug),
      submitNative: flag(data.submitNative),
      utmDefaults: data.utmDefaults ? Object.fromEntries(new URLSearchParams(data.utmDefaults)) : undefined,
      clickIds: data.clickIds?.split(/[\s,]+/),
      timeoutMs: data.timeout ? Number(data.timeout) : undefined,
      // Browsers hide the nonce from getAttribute; only the property keeps it.
      styleNonce: script.nonce
    });
    api.watch();
    installGlobal(api, log);
  }
} catch (error) {
  log.error('not started:', error);
}
