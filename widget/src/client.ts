import { createDelivery, type Outcome } from './delivery/delivery';
import type { Logger } from './log';
import type { ResolvedOptions } from './options';
import { createSubmissionId } from './submission-id';
import { captureAttribution, clearAttribution } from './tracking/attribution';
import { readMunchkinCookie } from './tracking/munchkin-cookie';
import type { FieldValue, FormDefinition, Locale } from './types';

/** One submission as a form hands it over. */
export interface SubmitRequest {
  formId: string;
  fields: Record<string, FieldValue>;
  locale: Locale;
  honeypot?: string;
  /** When the visitor first saw the form, in ms since the epoch. */
  shownAt: number;
}

/** State and services shared by every form on the page. */
export interface Client {
  options: ResolvedOptions;
  log: Logger;
  /** Fetches the definition of form `formId` once per client. After a failed fetch, the next call fetches again. */
  loadForm(formId: string): Promise<FormDefinition>;
  /** Sends a submission and returns its `submissionId`; `listener` hears its outcomes. */
  submit(request: SubmitRequest, listener: (outcome: Outcome, submissionId: string) => void): string;
  setConsent(granted: boolean): void;
  /** Sends waiting submissions: the due ones, or all of them with `all`. */
  flush(all?: boolean): void;
}

export function createClient(options: ResolvedOptions, log: Logger): Client {
  const { endpoint, clickIds, utmDefaults } = options;
  const delivery = createDelivery(options.timeoutMs, log);
  const definitions = new Map<string, Promise<FormDefinition>>();
  let consent = options.consent === 'granted';

  const formUrl = (formId: string) => `${endpoint}/v1/forms/${encodeURIComponent(formId)}`;
  /** The page URL or referrer as it may be sent: without query and fragment unless consent is given. */
  const pageAddress = (url: string) => (consent ? url : withoutQuery(url));

  const fetchDefinition = async (formId: string): Promise<FormDefinition> => {
    const url = formUrl(formId);
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
    const definition = response.ok && ((await response.json()) as FormDefinition);
    if (!Array.isArray(definition && definition.fields)) {
      throw new Error(`GET ${url} failed: expected HTTP 200 with a "fields" array, got HTTP ${response.status}`);
    }
    return definition as FormDefinition;
  };

  // Stored at once, so that a form two pages later still carries the landing page's parameters.
  if (consent) captureAttribution(location.search, clickIds);

  return {
    options,
    log,
    loadForm(formId) {
      let definition = definitions.get(formId);
      if (!definition) {
        definition = fetchDefinition(formId);
        definitions.set(formId, definition);
        definition.catch(() => definitions.delete(formId));
      }
      return definition;
    },
    submit({ formId, fields, locale, honeypot, shownAt }, listener) {
      const submissionId = createSubmissionId();
      const body = {
        submissionId,
        fields,
        mktoTrk: consent ? readMunchkinCookie() : undefined,
        context: {
          pageUrl: pageAddress(location.href),
          referrer: pageAddress(document.referrer),
          utm: { ...utmDefaults, ...(consent && captureAttribution(location.search, clickIds)) },
          locale,
          consent
        },
        signals: { honeypot, elapsedMs: Date.now() - shownAt }
      };
      delivery.send(`${formUrl(formId)}/submissions`, body, (outcome) =>
        listener(outcome, submissionId)
      );
      return submissionId;
    },
    setConsent(granted) {
      consent = granted;
      log.debug(`consent ${granted ? 'granted' : 'withdrawn'}`);
      if (granted) {
        captureAttribution(location.search, clickIds);
        return;
      }
      clearAttribution();
      delivery.rewrite((body) => {
        delete body.mktoTrk;
        body.context.consent = false;
        body.context.utm = { ...utmDefaults };
        body.context.pageUrl = withoutQuery(body.context.pageUrl);
        body.context.referrer = withoutQuery(body.context.referrer);
      });
    },
    flush: delivery.flush
  };
}

/** Drops query and fragment, which may carry campaign and click ids, for visitors without consent. */
function withoutQuery(url: string): string {
  return url.split(/[?#]/)[0]!;
}
