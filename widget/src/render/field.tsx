import { h } from 'preact';
import { translate } from '../locale';
import type { FieldDefinition, Locale } from '../types';

interface FieldProps {
  field: FieldDefinition;
  locale: Locale;
  error: string | undefined;
}

/** Renders one labelled control with its help text and error message, linked through ARIA ids. */
export function Field({ field, locale, error }: FieldProps) {
  const { name, type } = field;
  if (type === 'hidden') return <input type="hidden" name={name} value={field.value} />;

  const id = `field-${name}`;
  const help = translate(field.help, locale);
  const control = {
    id,
    name,
    required: field.required,
    autocomplete: field.autocomplete,
    part: 'control',
    'aria-invalid': !!error,
    'aria-describedby': [help && id + '-help', error && id + '-error'].filter(Boolean).join(' ') || undefined
  };
  const label = (
    <label for={id} part="label">
      {translate(field.label, locale)}
      {field.required && <span aria-hidden="true"> *</span>}
    </label>
  );

  return (
    <div part="field">
      {type === 'checkbox' ? [<input type="checkbox" {...control} />, label] : [label, renderControl(field, control, locale)]}
      {help && (
        <p id={id + '-help'} class="help" part="help">
          {help}
        </p>
      )}
      {error && (
        <p id={id + '-error'} class="error" part="error">
          {error}
        </p>
      )}
    </div>
  );
}

function renderControl(field: FieldDefinition, control: Record<string, unknown>, locale: Locale) {
  if (field.type === 'select') {
    return (
      <select {...control}>
        <option value="">{translate(field.placeholder, locale)}</option>
        {field.options?.map((option) => <option value={option.value}>{translate(option.label, locale)}</option>)}
      </select>
    );
  }

  const text = {
    ...control,
    maxLength: field.maxLength,
    minLength: field.minLength,
    placeholder: translate(field.placeholder, locale)
  };
  return field.type === 'textarea' ? <textarea {...text} /> : <input type={field.type as 'text'} {...text} />;
}
