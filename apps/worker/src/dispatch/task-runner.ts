import type { TaskJobData } from '@ferry/core';

/**
 * Runs one task until `signal` aborts (then finishes its open work and resolves) or until it fails.
 * The engine adapter implements it for replication tasks.
 */
export interface TaskRunner {
  run(task: TaskJobData, signal: AbortSignal): Promise<void>;
}

export type StopReason = 'superseded' | 'rebalance' | 'shutdown';
