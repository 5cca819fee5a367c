import type { TaskJobData } from '@ferry/core';

/**
 * Runs one task until `signal` aborts (then finishes its open work and resolves) or until it fails.
 * The engine adapter implements it for replication tasks.
 */
export interface TaskRunner {
  run(task: TaskJobData, signal: AbortSignal): Promise<void>;
}

/** Why a running task was asked to stop. `lost`: this worker no longer holds the job's lock (it was paused
 * or cut off longer than the lock lasts); another worker runs the task now. */
export type StopReason = 'superseded' | 'rebalance' | 'shutdown' | 'lost';
