import type { Client } from '../client';
import { emit, emitOutcome } from '../events';
import { localeFor } from '../locale';
import type { FieldValue } from '../types';
import { keepDefinedFields, readFormValues } from './read-form-values';
import { submitNatively } from './submit-natively';

/** How long a native submit waits for the proxy; the outbox and `keepalive` cover slower responses. */
export const NATIVE_SUBMIT_WAIT_MS = 1_000;
/** A second submit this soon after the first is a double click, even when the proxy has responded already. */
export const DOUBLE_SUBMIT_MS = 1_000;

/**
 * Sends the fills of an existing form on each submit, limited to the fields the form definition
 * defines. The host's own submission is stopped unless `data-submit-native` (on the form, else on
 * the script tag) lets it go on after the capture. Field errors from the proxy reach the host page
 * through `leadsync:error`, whose `fields` name them.
 */
export function captureForm(client: Client, form: HTMLFormElement, formId: string): void {
  const { options, log } = client;
  const locale = localeFor(form, options.locale);
  const boundAt = Date.now();
  const nativeAttribute = form.getAttribute('data-submit-native');
  const submitNative = nativeAttribute === null ? options.submitNative : nativeAttribute !== 'false';
  let sending = false;
  let submittedAt = -Infinity;

  // Loaded now, so that the definition is at hand when the visitor submits.
  client.loadForm(formId).catch(() => {});

  /** Keeps the defined fields. Without a definition it keeps them all, and the proxy decides. */
  const definedFields = (values: Record<string, FieldValue>): Promise<Record<string, FieldValue>> =>
    client.loadForm(formId).then(
      (definition) => {
        const fields = keepDefinedFields(values, definition);
        const skipped = Object.keys(values).filter((name) => !(name in fields));
        if (skipped.length > 0) log.debug(`form "${formId}": skipped fields it does not define: ${skipped.join(', ')}`);
        return fields;
      },
      (error) => {
        log.error(`form "${formId}": loading the definition failed, so every field is sent:`, error);
        return values;
      }
    );

  form.addEventListener('submit', (event) => {
    if (sending || Date.now() - submittedAt < DOUBLE_SUBMIT_MS) {
      event.preventDefault();
      return;
    }
    sending = true;
    submittedAt = Date.now();
    // Null after `requestSubmit()` without an argument. `readFormData` ignores an element that is
    // no submit button of this form, which a script's own SubmitEvent may name.
    const { submitter } = event;
    let native = false;

    // Host handlers may cancel the submit to send the form themselves (with fetch, say), and they
    // may run after this one. So the decision waits until the event reaches `window`, after them.
    // If a host handler stops propagation, the browser's submission simply goes ahead.
    const decide = (late: Event): void => {
      removeEventListener('submit', decide);
      if (late !== event) return;
      native = submitNative && !event.defaultPrevented;
      event.preventDefault();
    };
    addEventListener('submit', decide);

    // Called by the first outcome and by the timer, whichever comes first; submits once.
    const continueNatively = (): void => {
      if (!native) return;
      native = false;
      submitNatively(form, submitter);
    };

    // The values are read now, as the visitor left them; the definition may still be on its way.
    void definedFields(readFormValues(form, submitter)).then((fields) => {
      const submissionId = client.submit({ formId, fields, locale, shownAt: boundAt }, (outcome) => {
        sending = false;
        emitOutcome(form, formId, submissionId, outcome);
        continueNatively();
      });
      emit(form, 'leadsync:submit', { formId, submissionId });
      setTimeout(continueNatively, NATIVE_SUBMIT_WAIT_MS);
    });
  });
}
