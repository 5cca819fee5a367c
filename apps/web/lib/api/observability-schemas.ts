import { PARTITION_SORTS, PARTITION_STATES } from '@ferry/db';
import { z } from 'zod';

/** Response schemas of the observability routes (metrics, partitions, overview, groups, alerts). */
const n = z.number().nullable();

export const partitionRowSchema = z.object({
  topic: z.string(),
  partition: z.number(),
  sourceEndOffset: n,
  replicatedOffset: n,
  lagRecords: n,
  lagMs: n,
  recordAgeMsAvg: n,
  replicationLatencyMsAvg: n,
  recordsPerSec: n,
  bytesPerSec: n,
  updatedAt: z.string(),
  state: z.enum(['caught up', 'lagging', 'stale']),
  taskIndex: n.describe(
    'The task that owns the partition (deterministic split of the discovered partitions)',
  ),
  workerId: z.string().nullable().describe('The worker running that task now'),
});

/** The partition grid's window: sort, filter, offset and limit (…/flows/{flowId}/partitions?…). */
export const partitionsQuerySchema = z.object({
  sort: z
    .enum(PARTITION_SORTS)
    .default('topic')
    .describe('Column to sort by (ties: topic, then partition); nulls last'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  topic: z.string().min(1).max(249).optional().describe('Only this topic'),
  state: z.enum(PARTITION_STATES).optional().describe('Only partitions in this state'),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0).describe('Rows to skip'),
  limit: z.coerce.number().int().min(1).max(1000).default(200).describe('Rows to return (at most 1,000)'),
});

export const partitionPageSchema = z.object({
  items: z.array(partitionRowSchema),
  total: z.number().describe('Partitions matching the filters'),
  partitions: z.number().describe('Every partition of the flow with metrics, unfiltered'),
  topics: z.array(z.string()).describe("The flow's topics with metrics (the topic filter's choices)"),
  offset: z.number(),
  limit: z.number(),
});

const points = z.array(z.tuple([z.number(), z.number()]));

export const overviewSchema = z.object({
  flows: z.array(
    z.object({
      id: z.uuid(),
      name: z.string(),
      sourceClusterName: z.string(),
      targetClusterName: z.string(),
      enabled: z.boolean(),
      health: z.enum(['healthy', 'lagging', 'degraded', 'failed', 'disabled']),
      reason: z.string().describe('Why, in words'),
      lagRecords: n,
      lagSeconds: n,
      recordsPerSecond: n,
      bytesPerSecond: n,
      sparkline: z.object({ lagRecords: points, recordsPerSecond: points }).describe('The last 15 minutes'),
      tasks: z.object({ running: z.number(), total: z.number() }),
    }),
  ),
  workers: z.array(
    z.object({
      id: z.string(),
      host: z.string(),
      pid: z.number(),
      version: z.string(),
      state: z.string(),
      alive: z.boolean(),
      lastHeartbeatAt: z.string(),
      startedAt: z.string(),
      tasks: z.number(),
    }),
  ),
});

export const flowGroupSchema = z.object({
  readiness: z
    .object({
      group: z.string(),
      partitions: z.number(),
      exactPartitions: z.number(),
      reReadRecords: z
        .number()
        .describe('Records the consumers would read twice after switching to the target now'),
      unknownPartitions: z
        .number()
        .describe('Partitions not translatable exactly for a reason that leaves the cost unknown'),
      notReplicatedRecords: z.number(),
      notReplicatedSeconds: z.number(),
      checkpointAgeSeconds: n,
      checkpointLatencyMsAvg: n,
      ready: z.boolean(),
      summary: z.string(),
    })
    .describe('What switching the group to the target now would cost'),
  partitions: z.array(
    z.object({
      group: z.string(),
      topic: z.string(),
      partition: z.number(),
      remoteTopic: z.string(),
      sourceOffset: z.number().describe('Committed offset on the source'),
      targetOffset: n.describe('Exact translation on the target (null: not exact)'),
      exact: z.boolean(),
      reasonCode: z.string().nullable(),
      reason: z.string().nullable(),
      checkedAt: z.string(),
      checkpointedAt: z.string().nullable(),
      checkpointLatencyMs: n,
      replicatedOffset: n,
      lagRecords: n,
      lagMs: n,
      reReadRecords: n,
      checkpointAgeSeconds: n,
    }),
  ),
});

export const groupSyncResultSchema = z.object({
  state: z.enum(['done', 'queued', 'failed']),
  groups: z.number().optional().describe('Groups with exact translations to write'),
  synced: z
    .number()
    .optional()
    .describe('Groups written into the target (those with no active members there)'),
  notice: z.string().optional(),
});

export const alertSchema = z.object({
  id: z.uuid(),
  flowId: z.uuid(),
  kind: z.enum(['lag_records', 'lag_seconds', 'checkpoint_age', 'flow_failed']),
  state: z.enum(['firing', 'resolved']),
  value: n,
  threshold: n,
  message: z.string(),
  firedAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export const alertsQuerySchema = z.object({ flowId: z.uuid().optional() });

export const webhookSchema = z.object({ id: z.uuid(), url: z.string(), createdAt: z.string() });
export const webhookCreatedSchema = webhookSchema.extend({
  secret: z.string().describe('The HMAC-SHA256 key for X-Ferry-Signature; shown once'),
});
export const deliverySchema = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  url: z.string(),
  alertId: z.string().nullable(),
  event: z.record(z.string(), z.unknown()),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  lastStatus: n,
  lastError: z.string().nullable(),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
