import { h, render } from 'preact';
import type { Client } from '../client';
import type { Outcome } from '../delivery/delivery';
import { emit, emitOutcome } from '../events';
import { localeFor, translate } from '../locale';
import { message, type MessageKey } from '../messages';
import type { FieldError, FormDefinition } from '../types';
import { adoptStyles } from './adopt-styles';
import { FormView } from './form-view';
import { HONEYPOT_NAME, readDefinedValues } from './form-values';
import { fieldErrorText, validateFields } from './validate';

/**
 * Renders form `formId` into a new open shadow root on `host` and handles its submissions. Open,
 * because password managers and autofill extensions only walk open roots. Throws when `host`
 * cannot have a shadow root or already has one.
 */
export function mountForm(client: Client, host: Element, formId: string): void {
  const root = host.attachShadow({ mode: 'open' });
  adoptStyles(root, client.options.styleNonce);
  // Preact renders into its own container, so a fallback <style> element beside it survives.
  const container = root.appendChild(document.createElement('div'));
  const locale = localeFor(host, client.options.locale);

  let definition: FormDefinition | undefined;
  let errors: FieldError[] = [];
  let status = '';
  // Plain variables, so a second click or Enter is ignored even before the next render.
  let busy = false;
  let done = false;
  let shownAt = 0;
  /** The submission whose outcome is on screen; outcomes of older ones change nothing there. */
  let currentSubmissionId = '';

  /** Renders the current state; Preact's render is synchronous, so focus can move right after. */
  const update = (statusKey?: MessageKey, fieldErrors: FieldError[] = []): void => {
    if (statusKey) status = message(locale, statusKey);
    errors = fieldErrors;
    const messages = Object.fromEntries(errors.map((error) => [error.name, error.message]));
    render(<FormView {...{ locale, definition, status, busy, done, onSubmit }} errors={messages} />, container);
    if (errors[0]) root.getElementById(`field-${errors[0].name}`)?.focus();
  };

  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (busy || !definition) return;

    const data = new FormData(event.target as HTMLFormElement);
    const fields = readDefinedValues(definition, data);

    const invalid = validateFields(definition.fields, fields, locale);
    if (invalid.length > 0) {
      update('fix', invalid);
      emit(host, 'leadsync:error', { formId, code: 'invalid_field', message: 'invalid fields', retryable: false, fields: invalid, queued: false });
      return;
    }

    busy = true;
    const request = { formId, fields, locale, honeypot: String(data.get(HONEYPOT_NAME)), shownAt };
    const submissionId = (currentSubmissionId = client.submit(request, onOutcome));
    update('sending');
    emit(host, 'leadsync:submit', { formId, submissionId });
  };

  const onOutcome = (outcome: Outcome, submissionId: string): void => {
    const { error } = outcome;
    emitOutcome(host, formId, submissionId, outcome);
    if (submissionId !== currentSubmissionId) return;

    if (!error) {
      done = true;
      status = translate(definition!.successMessage, locale) ?? message(locale, 'sent');
      update();
      // The form is gone, so focus moves to the message instead of falling back to the page.
      root.getElementById('status')?.focus();
      const redirect = definition!.onSuccess?.redirect;
      if (redirect && isWebUrl(redirect)) location.assign(redirect);
    } else if (error.retryable) {
      update('waiting');
    } else {
      busy = false;
      // Errors of hidden fields cannot be shown inline; the general message stands for them.
      const shown = (error.fields ?? []).flatMap((fieldError) => {
        const field = definition!.fields.find(({ name, type }) => name === fieldError.name && type !== 'hidden');
        return field ? [{ ...fieldError, message: fieldErrorText(fieldError, field, locale) }] : [];
      });
      update(shown.length > 0 ? 'fix' : 'failed', shown);
    }
  };

  update();
  client
    .loadForm(formId)
    .then((loaded) => {
      definition = loaded;
      shownAt = Date.now();
      update();
    })
    // Also catches a definition that fails to render, so nothing reaches the page as an unhandled rejection.
    .catch((error: Error) => {
      client.log.error(`form "${formId}" is unavailable:`, error);
      definition = undefined;
      update('unavailable');
      emit(host, 'leadsync:error', { formId, code: 'form_unavailable', message: String(error.message), retryable: false, queued: false });
    });
}

/** Accepts only http(s) redirects, so a definition can never run a `javascript:` URL. */
function isWebUrl(url: string): boolean {
  try {
    return /^https?:$/.test(new URL(url, location.href).protocol);
  } catch {
    return false;
  }
}
