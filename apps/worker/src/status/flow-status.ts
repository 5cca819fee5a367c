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

/**
 * An error as a sentence a person can act on. Known codes get their own words; anything else keeps its
 * message. `context` names the clusters so the sentence says where.
 */
export function describeError(
  e: { code?: string; message: string },
  context: { source: string; target: string },
): string {
  const msg = e.message.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  switch (e.code) {
    case 'ECONNREFUSED':
      return `cannot reach a broker (connection refused): ${msg}. Check that the clusters ${context.source} and ${context.target} are up and their bootstrap servers are right.`;
    case 'SASL_AUTHENTICATION_FAILED':
    case 'SASL_AUTHENTICATION':
      return `authentication failed: ${msg}. Check the cluster's SASL mechanism, username and password.`;
    case 'TOPIC_AUTHORIZATION_FAILED':
      return `not authorised on a topic: ${msg}. Grant the flow's user READ on the source topics and WRITE/CREATE on the target.`;
    case 'INVALID_REPLICATION_FACTOR':
      return `target cluster ${context.target} rejected topic creation: ${msg}. Lower the flow's replication factor to at most the number of brokers.`;
    case 'PRODUCER_FENCED':
    case 'INVALID_PRODUCER_EPOCH':
      return `this task was replaced by a newer one (fenced); it stops and the newer task continues.`;
    default:
      return `${msg}.`;
  }
}
