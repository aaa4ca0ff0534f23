import { h } from 'preact';
import { translate } from '../locale';
import { message } from '../messages';
import type { FormDefinition, Locale } from '../types';
import { Field } from './field';
import { HONEYPOT_NAME } from './form-values';

/** Everything the form shows; `mountForm` owns it and renders again after each change. */
export interface FormViewProps {
  locale: Locale;
  definition?: FormDefinition;
  /** Error text per field name. */
  errors: Record<string, string>;
  /** Text of the polite live region. */
  status: string;
  /** True from submit until the proxy rejects the submission. */
  busy: boolean;
  /** The proxy accepted the submission; the form gives way to the success message. */
  done: boolean;
  onSubmit(event: SubmitEvent): void;
}

/** Renders the markup of a form: a placeholder while loading, the fields, then the result. */
export function FormView({ locale, definition, errors, status, busy, done, onSubmit }: FormViewProps) {
  return (
    <div lang={locale}>
      {!definition && !status && (
        <div class="skeleton" aria-hidden="true">
          <span />
          <span />
          <span />
          <span />
        </div>
      )}
      {definition && !done && (
        <form noValidate onSubmit={onSubmit} aria-busy={busy} part="form">
          {definition.title && <h2 part="title">{translate(definition.title, locale)}</h2>}
          {definition.fields.map((field) => (
            <Field key={field.name} field={field} locale={locale} error={errors[field.name]} />
          ))}
          <div class="trap" aria-hidden="true">
            <input name={HONEYPOT_NAME} tabIndex={-1} autocomplete="off" />
          </div>
          <button type="submit" disabled={busy} part="button">
            {translate(definition.submitLabel, locale) ?? message(locale, 'submit')}
          </button>
        </form>
      )}
      <p id="status" role="status" tabIndex={-1} part="status">
        {status}
      </p>
    </div>
  );
}
