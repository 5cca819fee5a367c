import { z } from 'zod';

/**
 * The queue registry: every BullMQ queue's name and job payload schema, shared by whoever enqueues (the
 * reconciler, the web app) and the processors in apps/worker (one file per queue, see
 * apps/worker/src/processors/). Payloads carry ids, never secrets: a processor loads what it needs from
 * Postgres and opens secrets with the worker's key.
 */

const flowId = z.string().min(1);
const generation = z.number().int().nonnegative();

/** Source topic → partition count: the partitions a generation's tasks split between them. */
export const TopicPartitionCounts = z.record(z.string().min(1), z.number().int().nonnegative());
export type TopicPartitionCounts = z.infer<typeof TopicPartitionCounts>;

/** Long-running replication tasks, one job per task of a flow generation (apps/worker/src/dispatch/). */
export const TASKS_QUEUE = 'ferry-tasks';
export const TaskJobData = z.object({
  flowId,
  generation,
  taskIndex: z.number().int().nonnegative(),
  tasksMax: z.number().int().positive(),
  /** How many tasks this generation has: min(tasksMax, partitions), at least 1. Absent: tasksMax. */
  taskCount: z.number().int().positive().optional(),
  /** The partitions every task of this generation splits (pinned by discovery); absent: discover at start. */
  topics: TopicPartitionCounts.optional(),
});
export type TaskJobData = z.infer<typeof TaskJobData>;

/** Reconcile passes: desired state (Postgres) → task jobs and control schedules. Repeats every second and
 * on demand (after a discovery that changed something, after an edit). */
export const RECONCILE_QUEUE = 'ferry-reconcile';
export const ReconcileJobData = z.object({
  reason: z.enum(['schedule', 'flow-changed', 'topology-changed']),
  flowId: flowId.optional(),
});
export type ReconcileJobData = z.infer<typeof ReconcileJobData>;

/** Topic and group discovery of one flow: which source topics/partitions and groups its filters select;
 * creates missing remote topics; records the result in Postgres (flow_topology). */
export const DISCOVERY_QUEUE = 'ferry-discovery';
export const DiscoveryJobData = z.object({
  flowId,
  /** Fingerprint of the options discovery depends on, as the reconciler saw them. */
  discoveredFor: z.string().min(1),
});
export type DiscoveryJobData = z.infer<typeof DiscoveryJobData>;

/** Consumer-group checkpoints (`emit`) and group offset sync into idle target groups (`sync-groups`). */
export const CHECKPOINTS_QUEUE = 'ferry-checkpoints';
export const CheckpointJobData = z.object({
  flowId,
  generation,
  kind: z.enum(['emit', 'sync-groups']),
});
export type CheckpointJobData = z.infer<typeof CheckpointJobData>;

/** MM2-format heartbeats on the target's `heartbeats` topic. */
export const HEARTBEATS_QUEUE = 'ferry-heartbeats';
export const HeartbeatJobData = z.object({ flowId, generation });
export type HeartbeatJobData = z.infer<typeof HeartbeatJobData>;

/** Topic-config sync and topic-ACL sync from source to remote topics. */
export const CONFIG_SYNC_QUEUE = 'ferry-config-sync';
export const ConfigSyncJobData = z.object({
  flowId,
  generation,
  what: z.enum(['topic-configs', 'topic-acls']),
});
export type ConfigSyncJobData = z.infer<typeof ConfigSyncJobData>;

/** "Test connection" of a stored cluster, run from a worker (the machines that must reach the cluster). */
export const CONNECTION_TESTS_QUEUE = 'ferry-connection-tests';
export const ConnectionTestJobData = z.object({
  clusterId: z.string().min(1),
  /** The team the caller acted in; the processor refuses a cluster of another team. */
  teamId: z.string().min(1),
});
export type ConnectionTestJobData = z.infer<typeof ConnectionTestJobData>;

/** Verification: source and target records of a flow compared record by record. */
export const VERIFICATION_QUEUE = 'ferry-verification';
export const VerificationJobData = z.object({
  flowId,
  teamId: z.string().min(1),
  /** The flow_verifications row the worker fills in (created by whoever enqueued the job). */
  verificationId: z.string().min(1),
  /** Records compared per partition, ending at the replicated position. */
  recordsPerPartition: z.number().int().positive().max(100_000).default(1000),
});
export type VerificationJobData = z.input<typeof VerificationJobData>;

/** Every queue with its payload schema: the processors validate each job against it before running it. */
export const QUEUES = {
  [TASKS_QUEUE]: TaskJobData,
  [RECONCILE_QUEUE]: ReconcileJobData,
  [DISCOVERY_QUEUE]: DiscoveryJobData,
  [CHECKPOINTS_QUEUE]: CheckpointJobData,
  [HEARTBEATS_QUEUE]: HeartbeatJobData,
  [CONFIG_SYNC_QUEUE]: ConfigSyncJobData,
  [CONNECTION_TESTS_QUEUE]: ConnectionTestJobData,
  [VERIFICATION_QUEUE]: VerificationJobData,
} as const;
export type QueueName = keyof typeof QUEUES;

/** The queues whose jobs are per-flow repeating control work (job schedulers `flow.<id>.<kind>`). */
export const CONTROL_QUEUE_NAMES = [
  DISCOVERY_QUEUE,
  CHECKPOINTS_QUEUE,
  HEARTBEATS_QUEUE,
  CONFIG_SYNC_QUEUE,
] as const satisfies readonly QueueName[];

/** `flow.<id>.g<generation>.t<index>` — BullMQ job ids may not contain ':'. Deterministic, so adding twice is a no-op. */
export function taskJobId(t: Pick<TaskJobData, 'flowId' | 'generation' | 'taskIndex'>): string {
  return `flow.${t.flowId}.g${t.generation}.t${t.taskIndex}`;
}

/** Id of a flow's repeating control job of one kind (a BullMQ job scheduler): `flow.<id>.<kind>`. */
export function controlSchedulerId(flowId: string, kind: string): string {
  return `flow.${flowId}.${kind}`;
}

/** Redis key holding a flow's desired generation ("off" when disabled); tasks of any other generation stop. */
export function desiredGenerationKey(prefix: string, flowId: string): string {
  return `${prefix}:flow:${flowId}:generation`;
}
