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

const INTERNAL_ERROR_MESSAGE = 'Something went wrong on our side. Please try again later.';

/** Renders any error as the API's JSON error body with its HTTP status. */
export function respondWithError(c: Context, error: unknown): Response {
  if (!(error instanceof LeadsyncError)) {
    const body: ErrorBody = { error: { code: 'internal_error', message: INTERNAL_ERROR_MESSAGE, retryable: false } };
    return c.json(body, 500);
  }

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
