import { ApiError, fieldIssues } from '@ferry/core';
import { ZodError } from 'zod';

/** Maps any thrown value to a JSON response: ApiError by its code, zod errors as 400 naming the field, the rest as 500 without internals. */
export function errorResponse(e: unknown): Response {
  if (e instanceof ApiError) return Response.json(e.toJSON(), { status: e.status });
  if (e instanceof ZodError) {
    const err = new ApiError('validation_failed', 'invalid input', fieldIssues(e));
    return Response.json(
      new ApiError(
        'validation_failed',
        err.issues?.[0] ? `${err.issues[0].path}: ${err.issues[0].message}` : 'invalid input',
        err.issues,
      ).toJSON(),
      { status: 400 },
    );
  }
  // Log the kind of failure, never the request (it may carry secrets).
  console.error(
    'ferry api: unexpected error:',
    e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : 'unknown',
  );
  return Response.json(
    new ApiError('internal_error', 'something went wrong; the error was logged').toJSON(),
    { status: 500 },
  );
}
