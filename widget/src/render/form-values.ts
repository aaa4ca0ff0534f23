import type { FieldValue, FormDefinition } from '../types';

/** Name of the hidden trap input: people never see it, form-filling bots often fill it. */
export const HONEYPOT_NAME = 'homepage_url';

/**
 * Reads the current values of the defined fields. FormData includes values that autofill and
 * password managers set without firing input events. A checkbox gives a boolean; text is trimmed, and empty
 * text is left out so that it cannot blank a value Marketo already has.
 */
export function readDefinedValues(definition: FormDefinition, data: FormData): Record<string, FieldValue> {
  const values: Record<string, FieldValue> = {};

  for (const { name, type } of definition.fields) {
    const value = String(data.get(name) ?? '').trim();
    if (type === 'checkbox') values[name] = data.has(name);
    else if (value) values[name] = value;
  }
  return values;
}
