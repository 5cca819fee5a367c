/**
 * Retry delays of a replication task's job. BullMQ counts a job's failures over its whole life
 * (`attemptsMade`), and tasks live for months: a task that failed ten times last week would wait the
 * maximum before every retry forever. So the count restarts once a run has been healthy for a while: the
 * dispatcher records the failure count at that point on the job (its progress) and the delay grows only
 * with the failures since.
 */

/** Delay before retry number `failures` (1 = the first failure since the last healthy run). */
export function taskRetryDelayMs(failures: number, baseMs = 500, maxMs = 30_000): number {
  const n = Math.max(1, Math.min(failures, 16));
  return Math.min(maxMs, baseMs * 2 ** n);
}

/** What the dispatcher keeps on a task job between attempts (BullMQ job progress). */
export interface TaskJobProgress {
  /** `attemptsMade` when a run was last seen healthy: failures before it no longer count. */
  backoffFrom?: number;
}

/** Failures that count for the next delay: those since the last healthy run. */
export function failuresSinceHealthy(attemptsMade: number, progress: unknown): number {
  const from = (progress as TaskJobProgress | undefined)?.backoffFrom;
  return typeof from === 'number' && from <= attemptsMade ? attemptsMade - from : attemptsMade;
}
