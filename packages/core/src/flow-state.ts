export type TaskState = 'starting' | 'running' | 'stopped' | 'failed';
export type FlowState = 'disabled' | 'starting' | 'running' | 'degraded' | 'failed';

/**
 * A flow's state in words from its tasks' states. Pure.
 * - disabled: the flow is off;
 * - starting: enabled, but not every task has reported running yet;
 * - running: every task runs;
 * - degraded: some tasks failed while others run;
 * - failed: every task that reported failed.
 */
export function flowState(enabled: boolean, tasksMax: number, tasks: Array<{ state: TaskState }>): FlowState {
  if (!enabled) return 'disabled';
  const failed = tasks.filter((t) => t.state === 'failed').length;
  const running = tasks.filter((t) => t.state === 'running').length;
  if (failed > 0 && running === 0 && failed >= Math.min(tasksMax, tasks.length) && tasks.length > 0)
    return 'failed';
  if (failed > 0) return 'degraded';
  if (running >= tasksMax) return 'running';
  return 'starting';
}
