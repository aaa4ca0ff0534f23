import type { FieldDefinition, FieldOption, FormDefinition, LocalizedText } from './form-definition.js';

/** The public definition of a form, served at `GET /v1/forms/{formId}` for the widget's render mode. */
export interface PublicForm {
  id: string;
  /** The instance's Munchkin id, so the widget can tell its own `_mkto_trk` cookie from another instance's. */
  munchkinId: string;
  title?: LocalizedText;
  submitLabel?: LocalizedText;
  successMessage?: LocalizedText;
  onSuccess?: { redirect: string };
  fields: PublicField[];
}

export interface PublicField {
  name: string;
  type: FieldDefinition['type'];
  required: boolean;
  label: LocalizedText;
  help?: LocalizedText;
  placeholder?: LocalizedText;
  minLength?: number;
  maxLength?: number;
  autocomplete?: string;
  options?: FieldOption[];
  value?: string;
}

/**
 * Returns what a page may know about a form: fields, texts and limits. The Marketo field
 * mapping is left out, so pages never learn which Marketo fields exist.
 */
export function publicForm(form: FormDefinition, config: { munchkinId: string }): PublicForm {
  return {
    id: form.id,
    munchkinId: config.munchkinId,
    ...(form.title && { title: form.title }),
    ...(form.submitLabel && { submitLabel: form.submitLabel }),
    ...(form.successMessage && { successMessage: form.successMessage }),
    ...(form.onSuccess && { onSuccess: { redirect: form.onSuccess.redirect } }),
    fields: form.fields.map(publicField),
  };
}

function publicField(field: FieldDefinition): PublicField {
  return {
    name: field.name,
    type: field.type,
    required: field.required,
    label: field.label,
    ...(field.help && { help: field.help }),
    ...(field.placeholder && { placeholder: field.placeholder }),
    ...(field.minLength !== undefined && { minLength: field.minLength }),
    ...(field.maxLength !== undefined && { maxLength: field.maxLength }),
    ...(field.autocomplete !== undefined && { autocomplete: field.autocomplete }),
    ...(field.options && { options: field.options.map((option) => ({ value: option.value, label: option.label })) }),
    ...(field.value !== undefined && { value: field.value }),
  };
}
