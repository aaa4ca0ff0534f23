import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

import { LeadsyncError, ValidationError, type FieldProblem } from '../errors.js';

export interface ErrorBody {
  error: {
    code: string;
    /** Safe to show a visitor: no secret, envelope or upstream text. */
    message: string;
    retryable: boolean;
    fields?: FieldProblem[];
    /** Problems beyond the listed `fields`, when there are more than `MAX_LISTED_PROBLEMS`. */
    omittedFields?: number;
  };
}

/** The body of every 500: it never includes the error itself. */
export const INTERNAL_ERROR_BODY: ErrorBody = {
  error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again later.', retryable: false },
};

/** The body of a 431, which the runtime entries send before the request reaches the app. */
export const HEADERS_TOO_LARGE_BODY: ErrorBody = {
  error: { code: 'headers_too_large', message: 'The request headers or URL are larger than the server accepts; send shorter ones.', retryable: false },
};

/** Renders any error as the API's JSON error body with its HTTP status. */
export function respondWithError(c: Context, error: unknown): Response {
  if (!(error instanceof LeadsyncError)) return c.json(INTERNAL_ERROR_BODY, 500);

  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.publicMessage,
      retryable: error.retryable,
      ...(error instanceof ValidationError && { fields: [...error.fields] }),
      ...(error instanceof ValidationError && error.omitted > 0 && { omittedFields: error.omitted }),
    },
  };
  return c.json(body, error.status as ContentfulStatusCode);
}
