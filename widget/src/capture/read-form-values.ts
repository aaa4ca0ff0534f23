import type { FieldValue, FormDefinition } from '../types';

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Names that suggest passwords, payment cards or bank accounts. */
const SENSITIVE_NAME = /passw|pwd|card|cvc|cvv|csc|iban|security.?code/i;
/** Autofill tokens of the same kind (HTML standard, "autofill field names"). */
const SENSITIVE_AUTOCOMPLETE = /(^|\s)(cc-|current-password|new-password|one-time-code)/;

/** Tells whether the widget must never read a control: a password, card or bank field. */
export function isSensitive(control: Control): boolean {
  return (
    control.type === 'password' ||
    SENSITIVE_AUTOCOMPLETE.test(control.getAttribute('autocomplete') ?? '') ||
    SENSITIVE_NAME.test(control.name + ' ' + control.id)
  );
}

/**
 * Reads the form data set that the browser would submit for `submitter`. A SubmitEvent that a
 * script dispatched may name any element as its submitter. FormData rejects one that is no submit
 * button of this form, and then the data set is read without a submitter.
 */
export function readFormData(form: HTMLFormElement, submitter?: HTMLElement | null): FormData {
  try {
    return new FormData(form, submitter);
  } catch {
    return new FormData(form);
  }
}

/**
 * Reads the live values of an existing form, hidden inputs included, and the value of the button
 * that submitted it. FormData includes values that autofill sets without input events. Skipped:
 * names with a sensitive control among them, files, disabled controls and controls marked
 * `data-leadsync-ignore`. A lone checkbox gives a boolean; repeated names join with `;`, Marketo's
 * separator for multi-select values; text is trimmed and empty text left out.
 */
export function readFormValues(form: HTMLFormElement, submitter?: HTMLElement | null): Record<string, FieldValue> {
  const data = readFormData(form, submitter);
  const controls = Array.from(form.elements) as Control[];
  const skipped = controls
    .filter((control) => isSensitive(control) || control.type === 'file' || control.hasAttribute('data-leadsync-ignore'))
    .map((control) => control.name);
  const values = new Map<string, FieldValue>();

  for (const control of controls) {
    const { name } = control;
    if (!name || skipped.includes(name) || values.has(name) || control.matches(':disabled')) continue;

    if (control.type === 'checkbox' && form.elements.namedItem(name) === control) {
      values.set(name, (control as HTMLInputElement).checked);
      continue;
    }
    const texts = data.getAll(name).map((value) => String(value).trim()).filter(Boolean);
    if (texts.length > 0) values.set(name, texts.join(';'));
  }
  return Object.fromEntries(values);
}

/**
 * Keeps the values whose names the form definition lists. The proxy rejects a submission with any
 * other field (`unknown_field`), and site forms often carry extra inputs such as a CSRF token.
 */
export function keepDefinedFields(values: Record<string, FieldValue>, definition: FormDefinition): Record<string, FieldValue> {
  const names = definition.fields.map((field) => field.name);
  return Object.fromEntries(Object.entries(values).filter(([name]) => names.includes(name)));
}
