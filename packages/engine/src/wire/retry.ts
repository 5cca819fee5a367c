import { KafkaError } from './errors.ts';

/**
 * Runs `fn` again while it fails with a retriable KafkaError, with exponential back-off, until `deadlineMs`
 * has passed; `onRetry` may refresh state (e.g. invalidate metadata) before the next attempt.
 */
export async function retrying<T>(
  fn: () => Promise<T>,
  o: {
    deadlineMs?: number;
    initialBackoffMs?: number;
    maxBackoffMs?: number;
    onRetry?: (e: KafkaError) => void;
  } = {},
): Promise<T> {
  const deadline = Date.now() + (o.deadlineMs ?? 30000);
  let backoff = o.initialBackoffMs ?? 50;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof KafkaError) || !e.retriable || Date.now() + backoff > deadline) throw e;
      o.onRetry?.(e);
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, o.maxBackoffMs ?? 1000);
    }
  }
}
