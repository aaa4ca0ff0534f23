/**
 * The proxy's error hierarchy. Every error raised on purpose extends `LeadsyncError`, carries
 * a stable `code` word and the HTTP status it ends a request with, and keeps its `cause`.
 * No message contains a secret, a signature or a SOAP envelope. Only `MarketoError.message`
 * quotes Marketo's fault text (with e-mail addresses masked), and it is meant for logs.
 */

export interface LeadsyncErrorOptions {
  /** HTTP status used when the error ends a request. Default 500. */
  status?: number;
  /** Whether sending the same request again later can succeed. Default false. */
  retryable?: boolean;
  /** Seconds the client should wait before sending again, sent as `Retry-After`. Default: no header. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class LeadsyncError extends Error {
  override name = 'LeadsyncError';
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: string, message: string, options: LeadsyncErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = options.status ?? 500;
    this.retryable = options.retryable ?? false;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** Text safe to show a website visitor. Subclasses whose message contains upstream text override it. */
  get publicMessage(): string {
    return this.message;
  }
}

/** Invalid or missing environment configuration, raised at start. */
export class ConfigError extends LeadsyncError {
  override name = 'ConfigError';
  /** The variable to fix, or the first one's when a start found several problems. */
  readonly variable: string;
  /** Each problem on its own when a start found several, else empty. */
  readonly problems: readonly ConfigError[];

  constructor(variable: string, message: string, options: { cause?: unknown; problems?: readonly ConfigError[] } = {}) {
    super('invalid_config', message, { cause: options.cause });
    this.variable = variable;
    this.problems = options.problems ?? [];
  }
}

/** Invalid forms configuration file, raised at start. */
export class FormsConfigError extends LeadsyncError {
  override name = 'FormsConfigError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super('invalid_forms_config', message, options);
  }
}

/**
 * A request the proxy rejects before looking at its fields: bad JSON, wrong content type,
 * body too large, unknown form, foreign origin, malformed submission envelope.
 */
export class RequestError extends LeadsyncError {
  override name = 'RequestError';

  constructor(code: string, status: number, message: string, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, status });
  }
}

/** Scope of the rate limit a request exceeded. */
export type RateLimitScope = 'address' | 'email';

/** Too many submissions from one client address or for one e-mail address: HTTP 429 with `Retry-After`. */
export class RateLimitError extends LeadsyncError {
  override name = 'RateLimitError';
  readonly scope: RateLimitScope;

  constructor(scope: RateLimitScope, retryAfterSeconds: number) {
    const subject = scope === 'address' ? 'this network address' : 'this e-mail address';
    super('rate_limited', `Too many submissions from ${subject}. Please try again in ${retryAfterSeconds} seconds.`, {
      status: 429,
      retryable: true,
      retryAfterSeconds,
    });
    this.scope = scope;
  }
}

/**
 * A submission the proxy could not deliver in time because Marketo's call limits kept it
 * waiting (no free slot within the queue timeout) or the delivery budget ran out. Nothing
 * proves Marketo failed, so the response is 503 `upstream_unavailable`, retryable.
 */
export class DeliveryTimeoutError extends LeadsyncError {
  override name = 'DeliveryTimeoutError';

  constructor(message: string, retryAfterSeconds: number) {
    super('upstream_unavailable', message, { status: 503, retryable: true, retryAfterSeconds });
  }

  override get publicMessage(): string {
    return 'The marketing system is busy right now. Please try again in a moment.';
  }
}

/**
 * No Marketo call slot became free in time, so nothing was sent: the proxy's own calls used up
 * Marketo's limits. The SQLite outbox drain does not count it as a failed delivery attempt.
 */
export class CallSlotTimeoutError extends DeliveryTimeoutError {
  override name = 'CallSlotTimeoutError';
}

/** A submission that failed the Turnstile check: 403, not retryable with the same token. */
export class BotCheckFailedError extends LeadsyncError {
  override name = 'BotCheckFailedError';

  constructor(message: string) {
    super('bot_check_failed', message, { status: 403 });
  }

  override get publicMessage(): string {
    return 'The anti-bot check failed. Please reload the page and submit the form again.';
  }
}

/** The Turnstile verification service returned no result: 503, retryable. */
export class BotCheckUnavailableError extends LeadsyncError {
  override name = 'BotCheckUnavailableError';

  constructor(message: string, retryAfterSeconds: number, cause?: unknown) {
    super('bot_check_unavailable', message, { status: 503, retryable: true, retryAfterSeconds, cause });
  }

  override get publicMessage(): string {
    return 'The anti-bot check is not reachable right now. Please try again in a moment.';
  }
}

export interface FieldProblem {
  /** The posted field name. */
  name: string;
  code: 'invalid_field' | 'unknown_field';
  message: string;
}

/** Problems listed in a response; a body with thousands of unknown keys must not get a larger response. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * Posted form fields that fail the form's definition. Lists the first `MAX_LISTED_PROBLEMS`
 * problems in `fields`, and `omitted` counts the rest.
 */
export class ValidationError extends LeadsyncError {
  override name = 'ValidationError';
  readonly fields: readonly FieldProblem[];
  readonly omitted: number;

  constructor(problems: readonly FieldProblem[]) {
    const code = problems.some((field) => field.code === 'unknown_field') ? 'unknown_field' : 'invalid_field';
    const fields = problems.slice(0, MAX_LISTED_PROBLEMS);
    const omitted = problems.length - fields.length;
    const names = fields.map((field) => field.name).join(', ');
    super(code, `Some fields are invalid: ${names}${omitted > 0 ? ` and ${omitted} more` : ''}.`, { status: 400 });
    this.fields = fields;
    this.omitted = omitted;
  }
}

/**
 * A lead value that cannot be put into a SOAP envelope, such as a character XML 1.0 cannot
 * carry or a lead Id that is not an xs:int. Raised before anything is sent.
 */
export class EnvelopeError extends LeadsyncError {
  override name = 'EnvelopeError';
  /** The Marketo element or attribute name that contains the bad value. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('invalid_lead_value', message, { status: 400 });
    this.field = field;
  }

  override get publicMessage(): string {
    return 'A field contains a value that cannot be sent to Marketo.';
  }
}

/** Reason a Marketo call failed, independent of SOAP or REST. */
export type MarketoErrorKind =
  | 'auth'
  | 'expired'
  | 'rate'
  | 'concurrency'
  | 'quota'
  | 'bad_request'
  | 'not_found'
  | 'sync_failed'
  | 'unavailable'
  | 'timeout'
  | 'invalid_reply'
  | 'unknown';

interface MarketoFailureClass {
  code: string;
  status: number;
  publicMessage: string;
}

const UNAVAILABLE: MarketoFailureClass = {
  code: 'upstream_unavailable',
  status: 503,
  publicMessage: 'The marketing system is not reachable right now. Please try again later.',
};
const AUTH: MarketoFailureClass = {
  code: 'upstream_auth',
  status: 502,
  publicMessage: 'The form service is misconfigured. Please try again later or contact us another way.',
};
const RATE_LIMITED: MarketoFailureClass = {
  code: 'upstream_rate_limited',
  status: 503,
  publicMessage: 'The marketing system is busy. Please try again in a minute.',
};
const QUOTA: MarketoFailureClass = {
  code: 'upstream_quota_exceeded',
  status: 503,
  publicMessage: 'The marketing system accepts no more requests today. Please try again later.',
};
const REJECTED: MarketoFailureClass = {
  code: 'upstream_rejected',
  status: 502,
  publicMessage: 'The marketing system rejected the submission. Please contact us another way.',
};
const TIMEOUT: MarketoFailureClass = {
  code: 'upstream_timeout',
  status: 504,
  publicMessage: 'The marketing system did not answer in time. Please try again later.',
};

const FAILURE_CLASSES: Record<MarketoErrorKind, MarketoFailureClass> = {
  auth: AUTH,
  expired: AUTH,
  rate: RATE_LIMITED,
  concurrency: RATE_LIMITED,
  quota: QUOTA,
  bad_request: REJECTED,
  not_found: REJECTED,
  sync_failed: REJECTED,
  unknown: REJECTED,
  unavailable: UNAVAILABLE,
  invalid_reply: UNAVAILABLE,
  timeout: TIMEOUT,
};

export interface MarketoErrorOptions {
  kind: MarketoErrorKind;
  retryable: boolean;
  /** Marketo's numeric fault or error code, when the reply carried one. */
  faultCode?: number;
  cause?: unknown;
}

/**
 * A failed Marketo call. `message` may quote Marketo's own fault text and is meant for logs;
 * `publicMessage` is the fixed text for visitors.
 */
export class MarketoError extends LeadsyncError {
  override name = 'MarketoError';
  readonly kind: MarketoErrorKind;
  readonly faultCode: number | undefined;

  constructor(message: string, options: MarketoErrorOptions) {
    const failureClass = FAILURE_CLASSES[options.kind];
    super(failureClass.code, message, {
      status: failureClass.status,
      retryable: options.retryable,
      cause: options.cause,
    });
    this.kind = options.kind;
    this.faultCode = options.faultCode;
  }

  override get publicMessage(): string {
    return FAILURE_CLASSES[this.kind].publicMessage;
  }
}

/** The daily-quota error of a call the proxy held back: it was never sent to Marketo. */
export class QuotaPausedError extends MarketoError {
  override name = 'QuotaPausedError';
}

/** Checks whether `error` comes from a call that was never sent: a wait for a call slot, or the quota pause. */
export function sentNothing(error: unknown): error is CallSlotTimeoutError | QuotaPausedError {
  return error instanceof CallSlotTimeoutError || error instanceof QuotaPausedError;
}
