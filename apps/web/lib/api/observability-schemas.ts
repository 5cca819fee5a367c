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
