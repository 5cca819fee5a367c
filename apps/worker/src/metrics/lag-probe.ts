import type { SecretKey } from '@ferry/core/secret-box';
import { type Db, schema } from '@ferry/db';
import { kafkaFor, positionsGroup } from '@ferry/engine';
import { and, eq, sql } from 'drizzle-orm';
import { toEngineFlow } from '../engine-runner.ts';
import { loadFlow } from '../flows/load-flow.ts';

/** One partition's lag as the probe measured it. */
export interface ProbedLag {
  topic: string;
  partition: number;
  sourceEndOffset: number;
  position: number | null;
  lagRecords: number | null;
}

/**
 * Lag from the source end offsets and the committed replication positions (the positions group on the
 * target). A partition never replicated (no position) counts from the log start when the flow starts at
 * `earliest`, else its lag is unknown. Pure.
 */
export function probedLag(
  ends: Map<string, { high: number; low: number }>,
  positions: Map<string, number>,
  startEarliest: boolean,
): ProbedLag[] {
  return [...ends].map(([k, { high, low }]) => {
    const i = k.lastIndexOf(':');
    const position = positions.get(k) ?? null;
    const lag =
      position !== null ? Math.max(0, high - position) : startEarliest ? Math.max(0, high - low) : null;
    return {
      topic: k.slice(0, i),
      partition: Number(k.slice(i + 1)),
      sourceEndOffset: high,
      position,
      lagRecords: lag,
    };
  });
}

/**
 * While a flow is disabled no task reports its lag, yet records keep arriving on the source: this probe
 * measures the lag in records of every disabled flow that has replicated before (source end offsets minus
 * the committed positions) and writes it like a task would — the partition table's latest values, the
 * current minute of each partition and topic, and the flow's raw sample (replacing, not adding, so several workers probing the same interval agree). Lag in time
 * is not measured here (it needs the record at the position): it stays 0 in the sample while disabled.
 */
export async function probeDisabledFlows(
  db: Db,
  keyring: readonly SecretKey[],
  now = Date.now(),
): Promise<number> {
  const flows = await db
    .select({ id: schema.flows.id, partitions: schema.flowTopology.partitions })
    .from(schema.flows)
    .innerJoin(schema.flowTopology, eq(schema.flowTopology.flowId, schema.flows.id))
    .where(
      and(
        eq(schema.flows.enabled, false),
        sql`exists (select 1 from partition_metrics_latest m where m.flow_id = ${schema.flows.id})`,
      ),
    );
  let probed = 0;
  for (const f of flows) {
    const topics = Object.keys(f.partitions);
    if (topics.length === 0) continue;
    const flow = await loadFlow(db, f.id, keyring);
    const engineFlow = toEngineFlow(flow);
    const tuning = { connectionTimeoutMs: 3000, requestTimeoutMs: 5000, retries: 1 };
    const source = kafkaFor(flow.source, 'ferry-lag-probe', tuning).admin();
    const target = kafkaFor(flow.target, 'ferry-lag-probe', tuning).admin();
    try {
      await Promise.all([source.connect(), target.connect()]);
      const ends = new Map<string, { high: number; low: number }>();
      for (const t of topics)
        for (const p of await source.fetchTopicOffsets(t))
          ends.set(`${t}:${p.partition}`, { high: Number(p.high), low: Number(p.low) });
      const remote = new Map(
        topics.map((t) => [engineFlow.policy.formatRemoteTopic(flow.source.alias, t), t]),
      );
      const committed = await target.fetchOffsets({
        groupId: positionsGroup(flow.source.alias, flow.target.alias, flow.id),
        topics: [...remote.keys()],
      });
      const positions = new Map<string, number>();
      for (const t of committed)
        for (const p of t.partitions)
          if (p.offset !== '-1' && p.offset !== '')
            positions.set(`${remote.get(t.topic)}:${p.partition}`, Number(p.offset));
      const lags = probedLag(ends, positions, flow.config.startPosition === 'earliest');
      await writeProbe(db, f.id, lags, now);
      probed += lags.length;
    } finally {
      await Promise.allSettled([source.disconnect(), target.disconnect()]);
    }
  }
  return probed;
}

async function writeProbe(db: Db, flowId: string, lags: ProbedLag[], now: number): Promise<void> {
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
