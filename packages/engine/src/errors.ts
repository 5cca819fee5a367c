import { type ErrorContext, FerryError, type FerryErrorCode } from '@ferry/core';

export { ConfigError, type ErrorContext, FerryError, type FerryErrorCode } from '@ferry/core';

/** Wraps a client error, keeping the client's retriable verdict when it gives one. */
export function toFerryError(e: unknown, code: FerryErrorCode, context: ErrorContext): FerryError {
  if (e instanceof FerryError) return e;
  const err = e as Error & { retriable?: boolean; type?: string; name?: string };
  const retriable = err?.retriable ?? err?.name === 'KafkaJSConnectionError';
  return new FerryError(code, `${err?.message ?? String(e)}${err?.type ? ` (${err.type})` : ''}`, {
    retriable,
    context,
    cause: e,
  });
}
