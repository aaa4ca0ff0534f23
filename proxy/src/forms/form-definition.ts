/** Types of a validated forms configuration. `parseForms` produces them from the JSON file. */

import type { RestDelivery } from '../marketo/transport.js';

export const FIELD_TYPES = ['email', 'text', 'tel', 'textarea', 'select', 'checkbox', 'hidden'] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

/** Text per locale (`en`, `de`, ...). Always has an `en` entry, the fallback locale. */
export type LocalizedText = Readonly<Record<string, string>>;

export interface FieldOption {
  /** The value posted and sent to Marketo. */
  value: string;
  label: LocalizedText;
}

/** Marketo field names of one form field, per API. */
export interface MarketoFieldNames {
  /** SOAP name: a leadRecord element (`Id`, `Email`, `ForeignSysPersonId`, `ForeignSysType`) or an attribute such as `FirstName`. */
  soap?: string;
  /** REST API name such as `firstName`. With MARKETO_API=rest, `parseForms` derives it from `soap` when absent. */
  rest?: string;
}

export interface FieldDefinition {
  /** The key the page posts in `fields`. */
  name: string;
  type: FieldType;
  required: boolean;
  label: LocalizedText;
  help?: LocalizedText;
  placeholder?: LocalizedText;
  /** Limits in Unicode code points, for text-like types. */
  minLength?: number;
  maxLength?: number;
  /** HTML `autocomplete` token, e.g. `given-name`. */
  autocomplete?: string;
  /** Allowed values of a `select` field. */
  options?: readonly FieldOption[];
  /** Default value of a `hidden` field. */
  value?: string;
  marketo: MarketoFieldNames;
}

export interface FormDefinition {
  id: string;
  title?: LocalizedText;
  submitLabel?: LocalizedText;
  successMessage?: LocalizedText;
  /** Page the widget sends the visitor to after a successful submission. */
  onSuccess?: { redirect: string };
  /**
   * Fewest milliseconds between showing the form and submitting it that a person needs; a
   * faster submission is treated as a bot. `parseForms` sets 1500 when the file sets none.
   */
  minFillMs: number;
  fields: readonly FieldDefinition[];
  /** REST delivery settings of this form, from its `"marketo"` key; `parseForms` always sets them. */
  marketo?: RestDelivery;
}

/** Forms by id. */
export type FormCatalog = ReadonlyMap<string, FormDefinition>;
