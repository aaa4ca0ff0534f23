/** Locales the widget has visitor-facing texts for. */
export type Locale = 'en' | 'de';

/** A text per locale, as the proxy's form definitions carry it, or one text for every locale. */
export type LocalizedText = string | Partial<Record<Locale, string>>;

/** The value a field posts: text for most controls, a boolean for a single checkbox. */
export type FieldValue = string | boolean;

export type FieldType = 'email' | 'text' | 'tel' | 'textarea' | 'select' | 'checkbox' | 'hidden';

/** One field of a form definition (`GET /v1/forms/{formId}`). */
export interface FieldDefinition {
  name: string;
  type: FieldType;
  required?: boolean;
  label: LocalizedText;
  help?: LocalizedText;
  placeholder?: LocalizedText;
  maxLength?: number;
  minLength?: number;
  options?: { value: string; label: LocalizedText }[];
  autocomplete?: string;
  /** Default value of a hidden field. */
  value?: string;
}

/** The public definition of a form, as the proxy returns it. */
export interface FormDefinition {
  id: string;
  munchkinId: string;
  title?: LocalizedText;
  submitLabel?: LocalizedText;
  successMessage?: LocalizedText;
  onSuccess?: { redirect?: string };
  fields: FieldDefinition[];
}

/** A field error, from the widget's own checks or from the proxy. */
export interface FieldError {
  name: string;
  code: string;
  message: string;
}

/** An error as the proxy reports it, also used for network failures and timeouts. */
export interface ApiError {
  code: string;
  message: string;
  retryable: boolean;
  fields?: FieldError[];
}

/** The JSON body of `POST /v1/forms/{formId}/submissions`. */
export interface SubmissionBody {
  submissionId: string;
  fields: Record<string, FieldValue>;
  /** The decoded `_mkto_trk` cookie; absent when there is none or consent is missing. */
  mktoTrk?: string;
  context: {
    pageUrl: string;
    referrer: string;
    utm: Record<string, string>;
    locale: Locale;
    /** Whether the visitor allowed tracking; false makes the proxy report the cookie as `not_sent_consent`. */
    consent: boolean;
  };
  signals: { honeypot?: string; elapsedMs: number };
}

/** `detail` of the `leadsync:submit` event. */
export interface SubmitEventDetail {
  formId: string;
  submissionId: string;
}

/** `detail` of the `leadsync:success` event. */
export interface SuccessEventDetail {
  formId: string;
  submissionId: string;
  /** `queued` means the proxy accepted the lead and delivers it to Marketo later. */
  status: 'created' | 'updated' | 'queued';
  leadId?: number | string;
}

/** `detail` of the `leadsync:error` event; it never carries field values. */
export interface ErrorEventDetail extends ApiError {
  formId: string;
  /** Absent when the widget's own checks stopped the submission before it was sent. */
  submissionId?: string;
  /** True when the submission waits in the local outbox and will be sent again. */
  queued: boolean;
}

/** `consent` option: `granted` reads the cookie and UTM parameters at once, `required` waits for `consent(true)`. */
export type ConsentMode = 'granted' | 'required';

/** Options of `createLeadsync`; the script tag sets them through `data-` attributes. */
export interface LeadsyncOptions {
  /** Base URL of the Leadsync proxy, such as `https://proxy.example.com`. Required. */
  endpoint: string;
  /** Forces the visitor-facing language. Default: the nearest `lang` attribute, else `en`. */
  locale?: string;
  /** Default `granted`. */
  consent?: ConsentMode;
  /** Logs diagnostics to the console. Default `false`. */
  debug?: boolean;
  /** Capture mode: let the host form submit itself after the capture. Default `false`. */
  submitNative?: boolean;
  /** UTM values used when neither the URL nor the session has one. Default none. */
  utmDefaults?: Record<string, string>;
  /** Click-id URL parameters kept like UTM parameters. Default `gclid`, `fbclid`, `msclkid`. */
  clickIds?: string[];
  /** Time limit of each request, in milliseconds. Default 10000. */
  timeoutMs?: number;
  /** Nonce for the `<style>` fallback in browsers without constructable stylesheets. */
  styleNonce?: string;
}

/** Methods of a Leadsync instance, also exposed as `window.Leadsync`. None throws: errors are logged and return false. */
export interface LeadsyncApi {
  /** Renders form `formId` into a shadow root on `element`. */
  mount(element: Element, formId: string): boolean;
  /** Sends the fills of an existing `<form>` as form `formId`. */
  capture(form: HTMLFormElement, formId: string): boolean;
  /** Grants or withdraws consent for reading the Munchkin cookie and UTM parameters. */
  consent(granted: boolean): boolean;
  /** Mounts and captures every marked element under `root` (default `document`), now and when added later. */
  watch(root?: ParentNode): boolean;
}
