/** One API error type with a stable code; the code decides the HTTP status (STYLE.md habit 8). */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  /** The request body is larger than the API accepts. */
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
  /** A worker ran the job and it failed (the message says why). */
  worker_failed: 502,
  /** Something the request needs (Redis, a worker) is not available now; try again later. */
  unavailable: 503,
  /** No worker answered in time. */
  timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldIssue {
  /** Dotted path of the field, e.g. `config.topics.0`. */
  path: string;
  message: string;
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues: FieldIssue[] | undefined;
  constructor(code: ErrorCode, message: string, issues?: FieldIssue[]) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
  toJSON(): { error: { code: ErrorCode; message: string; issues?: FieldIssue[] } } {
    return {
      error: { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) },
    };
  }
}

export function validationError(issues: FieldIssue[]): ApiError {
  const first = issues[0];
  const msg = first ? `${first.path || '(body)'}: ${first.message}` : 'invalid input';
  return new ApiError('validation_failed', msg, issues);
}
