import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import * as schema from '../schema/index.ts';

/** One partition's lag as the disabled-flow probe measured it. */
export interface LagProbeRow {
  topic: string;
  partition: number;
  sourceEndOffset: number;
  position: number | null;
  lagRecords: number | null;
}

/** Every disabled flow that has replicated before (it has partition metrics), with its topology's partitions. */
export async function disabledFlowsWithMetrics(db: Db) {
  return db
    .select({ id: schema.flows.id, partitions: schema.flowTopology.partitions })
    .from(schema.flows)
    .innerJoin(schema.flowTopology, eq(schema.flowTopology.flowId, schema.flows.id))
    .where(
      and(
        eq(schema.flows.enabled, false),
        sql`exists (select 1 from partition_metrics_latest m where m.flow_id = ${schema.flows.id})`,
      ),
    );
}

/**
 * Writes a probe's lags like a task would: the partition table's latest values, the current minute of each
 * partition and topic (partition -1), and the flow's raw sample (replacing, not adding, so several workers
 * probing the same interval agree). Lag in time stays 0: the probe does not measure it.
 */
export async function writeLagProbe(db: Db, flowId: string, lags: LagProbeRow[], now: number): Promise<void> {
  const t = schema.partitionMetricsLatest;
  for (let i = 0; i < lags.length; i += 2000) {
    await db
      .insert(t)
      .values(
        lags.slice(i, i + 2000).map((l) => ({
          flowId,
          topic: l.topic,
          partition: l.partition,
          sourceEndOffset: l.sourceEndOffset,
          replicatedOffset: l.position,
          lagRecords: l.lagRecords,
          recordsPerSec: 0,
          bytesPerSec: 0,
          updatedAt: new Date(now),
        })),
      )
      .onConflictDoUpdate({
        target: [t.flowId, t.topic, t.partition],
        set: {
          sourceEndOffset: sql`excluded.source_end_offset`,
          replicatedOffset: sql`coalesce(excluded.replicated_offset, ${t.replicatedOffset})`,
          lagRecords: sql`excluded.lag_records`,
          recordsPerSec: sql`0`,
          bytesPerSec: sql`0`,
          updatedAt: sql`excluded.updated_at`,
        },
      });
  }
  // The current minute of each partition and topic (partition -1), so topic and partition charts show the
  // lag of a disabled flow too.
  const minute = new Date(Math.floor(now / 60_000) * 60_000);
  const topicLag = new Map<string, number>();
  for (const l of lags) topicLag.set(l.topic, (topicLag.get(l.topic) ?? 0) + (l.lagRecords ?? 0));
  const ps = schema.partitionMetricSamples;
  const minuteRows = [
    ...lags.map((l) => ({ topic: l.topic, partition: l.partition, lagRecords: l.lagRecords ?? 0 })),
    ...[...topicLag].map(([topic, lag]) => ({ topic, partition: -1, lagRecords: lag })),
  ];
  for (let i = 0; i < minuteRows.length; i += 2000)
    await db
      .insert(ps)
      .values(
        minuteRows
          .slice(i, i + 2000)
          .map((r) => ({ ...r, flowId, resolution: '1m', at: minute, records: 0, bytes: 0 })),
      )
      .onConflictDoUpdate({
        target: [ps.flowId, ps.resolution, ps.topic, ps.partition, ps.at],
        set: { lagRecords: sql`excluded.lag_records` },
      });
  const s = schema.flowMetricSamples;
  const lagRecords = lags.reduce((a, l) => a + (l.lagRecords ?? 0), 0);
  await db
    .insert(s)
    .values({
      flowId,
      resolution: 'raw',
      at: new Date(Math.floor(now / 5000) * 5000),
      lagRecords,
      records: 0,
      bytes: 0,
    })
    .onConflictDoUpdate({
      target: [s.flowId, s.resolution, s.at],
      set: { lagRecords: sql`excluded.lag_records` },
    });
}
