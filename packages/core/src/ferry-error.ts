/** Where an error happened: as much as is known. */
export interface ErrorContext {
  cluster?: string;
  topic?: string;
  partition?: number;
  offset?: string;
  key?: string;
  value?: string;
  task?: number;
  flow?: string;
}

/**
 * Every error the engine raises or reports: a stable `code` to branch on, a `retriable` flag (retry decisions
 * branch on it, never on message text) and the context it happened in.
 */
export class FerryError extends Error {
  readonly code: string;
  readonly retriable: boolean;
  readonly context: ErrorContext;
  constructor(
    code: string,
    message: string,
    opts: { retriable?: boolean; context?: ErrorContext; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'FerryError';
    this.code = code;
    this.retriable = opts.retriable ?? false;
    this.context = opts.context ?? {};
  }
}

/** A configuration key with an invalid value: names the key, the value and why. */
export class ConfigError extends FerryError {
  constructor(key: string, value: string | undefined, reason: string) {
    super('INVALID_CONFIG', `${key}=${value ?? '(unset)'}: ${reason}`, { context: { key, value } });
    this.name = 'ConfigError';
  }
}
