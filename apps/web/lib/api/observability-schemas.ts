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
