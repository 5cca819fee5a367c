import { z } from 'zod';

/**
 * The queue registry: every BullMQ queue's name and job payload schema, shared by whoever enqueues (the
 * worker's reconciler, the web app) and the processors in apps/worker (one per queue).
 */

/** The queue that carries long-running replication tasks, one job per task of a flow generation. */
export const TASKS_QUEUE = 'ferry-tasks';

export const TaskJobData = z.object({
  flowId: z.string().min(1),
  generation: z.number().int().nonnegative(),
  taskIndex: z.number().int().nonnegative(),
  tasksMax: z.number().int().positive(),
});
export type TaskJobData = z.infer<typeof TaskJobData>;

/** `flow.<id>.g<generation>.t<index>` — BullMQ job ids may not contain ':'. Deterministic, so adding twice is a no-op. */
export function taskJobId(t: Pick<TaskJobData, 'flowId' | 'generation' | 'taskIndex'>): string {
  return `flow.${t.flowId}.g${t.generation}.t${t.taskIndex}`;
}

/** Redis key holding a flow's desired generation ("off" when disabled); tasks of any other generation stop. */
export function desiredGenerationKey(prefix: string, flowId: string): string {
  return `${prefix}:flow:${flowId}:generation`;
}
