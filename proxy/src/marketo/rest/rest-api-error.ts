import { MarketoError } from '../../errors.js';
import { classifyRestError, type RetryAction } from './rest-errors.js';

export interface RestApiErrorOptions {
  /** Marketo error code (6xx, 7xx, 1xxx); absent for HTTP-level and network failures. */
  code?: number;
  /** HTTP status that classified the failure, when no Marketo code did. */
  httpStatus?: number;
  cause?: unknown;
}

/**
 * A failed Marketo REST call, classified through `REST_ERRORS`. `action` is what the REST client
 * does within the same submission, and `retryable` whether a later delivery can succeed.
 */
export class RestApiError extends MarketoError {
  override name = 'RestApiError';
  readonly action: RetryAction;
  readonly httpStatus: number | undefined;

  constructor(message: string, options: RestApiErrorOptions) {
    const errorClass = classifyRestError(options.code ?? options.httpStatus ?? 0);
    super(message, {
      kind: errorClass.kind,
      retryable: errorClass.retryable,
      ...(options.code !== undefined && { faultCode: options.code }),
      cause: options.cause,
    });
    this.action = errorClass.action;
    this.httpStatus = options.httpStatus;
  }
}
