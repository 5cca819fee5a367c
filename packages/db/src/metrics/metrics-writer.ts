import { RETENTION } from '@ferry/core';
import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import * as schema from '../schema/index.ts';
import { flowSample, RETENTION_MS } from './flow-sample.ts';
import { type CheckpointWindow, GroupSamples } from './group-samples.ts';
import { MinuteSamples } from './minute-samples.ts';
import type { CheckpointMetrics, PartitionMetrics } from './partition-metrics.ts';

export interface MetricsWriterOptions {
  /** Flush period; raw samples are bucketed to it. */
  flushIntervalMs?: number;
  /**
   * Cap on latest-value rows upserted per flush (the write budget). Partitions beyond it wait for the next
   * flush, longest-waiting first, so a 10,000-partition flow refreshes every partition within
   * ceil(10000 / cap) flushes and Postgres never sees more than cap / interval rows per second.
   */
  maxLatestRowsPerFlush?: number;
}

/** A partition not reported for this long is left out of the flow samples. */
export const STALE_AFTER_MS = 20_000;

/** Rows per upsert statement, well under Postgres's bind-parameter limit (65,535 / 12 columns = 5,461). */
export const LATEST_ROWS_PER_STATEMENT = 2000;

const key = (p: PartitionMetrics) => `${p.flowId}\u0000${p.topic}\u0000${p.partition}`;

/**
 * Batches the engine's per-partition metrics into Postgres: the latest value per partition (live table)
 * and one raw sample per flow per interval (charts), with per-minute and per-hour rollups and retention.
 */
export class MetricsWriter {
  readonly db: Db;
  readonly flushIntervalMs: number;
  readonly maxLatestRowsPerFlush: number;
  /** Latest metrics per partition not yet written, in arrival order of first change. */
  private pending = new Map<string, PartitionMetrics>();
  /** Latest metrics per partition of the flows this worker runs, for the flow samples. */
  private latest = new Map<string, PartitionMetrics>();
  /** When each partition in `latest` last reported. */
  private reportedAt = new Map<string, number>();
  /** Records and bytes per flow since the last flush. */
  private window = new Map<string, { records: number; bytes: number }>();
  /** Per-partition and per-topic minute series (partition_metric_samples). */
  readonly minutes = new MinuteSamples();
  /** Checkpoint latency and age per consumer group (group_metric_samples). */
  readonly groups = new GroupSamples();
  rowsWritten = 0;

  constructor(db: Db, opts: MetricsWriterOptions = {}) {
    this.db = db;
    this.flushIntervalMs = opts.flushIntervalMs ?? 5000;
    this.maxLatestRowsPerFlush = opts.maxLatestRowsPerFlush ?? 1000;
  }

  record(p: PartitionMetrics, now = Date.now()): void {
    this.minutes.add(p, now);
    const k = key(p);
    // A partition still waiting keeps its place in line (Map order); its values become the newest.
    this.pending.set(k, p);
    this.latest.set(k, p);
    this.reportedAt.set(k, now);
    const w = this.window.get(p.flowId) ?? { records: 0, bytes: 0 };
    w.records += p.records;
    w.bytes += p.bytes;
    this.window.set(p.flowId, w);
  }

  /** A group's checkpoint latency (the engine's `checkpoint-metrics` event). */
  recordCheckpoint(c: CheckpointMetrics): void {
    this.groups.addLatency(c);
  }

  /** A checkpoint round covered the group (its age restarts from here). */
  checkpointRound(flowId: string, group: string, at = Date.now()): void {
    this.groups.round(flowId, group, at);
  }

  forgetFlow(flowId: string): void {
    for (const m of [this.pending, this.latest]) for (const [k, v] of m) if (v.flowId === flowId) m.delete(k);
    for (const k of this.reportedAt.keys()) if (k.startsWith(`${flowId}\u0000`)) this.reportedAt.delete(k);
    this.window.delete(flowId);
    this.groups.forgetFlow(flowId);
  }

  /** Writes what is pending. Safe to call concurrently with record(); errors leave the data for next time. */
  async flush(now = Date.now()): Promise<number> {
    let rows = 0;
    const batch = [...this.pending.values()].slice(0, this.maxLatestRowsPerFlush);
    // One statement per chunk: Postgres takes at most 65,535 bind parameters (12 a row here).
    for (let i = 0; i < batch.length; i += LATEST_ROWS_PER_STATEMENT) {
      const chunk = batch.slice(i, i + LATEST_ROWS_PER_STATEMENT);
      const t = schema.partitionMetricsLatest;
      await this.db
        .insert(t)
        .values(
          chunk.map((p) => ({
            flowId: p.flowId,
            topic: p.topic,
            partition: p.partition,
            sourceEndOffset: p.sourceEndOffset ?? null,
            replicatedOffset: p.position ?? null,
            lagRecords: p.lagRecords ?? null,
            lagMs: p.lagMs ?? null,
            recordAgeMsAvg: p.recordAgeMs?.avg ?? null,
            replicationLatencyMsAvg: p.replicationLatencyMs?.avg ?? null,
            recordsPerSec: p.records / (Math.max(p.windowMs, 1) / 1000),
            bytesPerSec: p.bytes / (Math.max(p.windowMs, 1) / 1000),
            updatedAt: new Date(now),
          })),
        )
        .onConflictDoUpdate({
          target: [t.flowId, t.topic, t.partition],
          set: {
            sourceEndOffset: sql`excluded.source_end_offset`,
            replicatedOffset: sql`excluded.replicated_offset`,
            lagRecords: sql`excluded.lag_records`,
            lagMs: sql`excluded.lag_ms`,
            recordAgeMsAvg: sql`excluded.record_age_ms_avg`,
            replicationLatencyMsAvg: sql`excluded.replication_latency_ms_avg`,
            recordsPerSec: sql`excluded.records_per_sec`,
            bytesPerSec: sql`excluded.bytes_per_sec`,
            updatedAt: sql`excluded.updated_at`,
          },
        });
      for (const p of chunk) if (this.pending.get(key(p)) === p) this.pending.delete(key(p));
      rows += chunk.length;
    }
    // A partition whose task stopped (flow disabled, task moved to another worker) stops reporting: after
    // STALE_AFTER_MS it no longer counts in this worker's flow samples, which would otherwise repeat its last
    // lag (often 0) while the disabled-flow probe measures the real one.
    for (const [k, t] of this.reportedAt)
      if (now - t > STALE_AFTER_MS) {
        this.reportedAt.delete(k);
        this.latest.delete(k);
      }
    const flows = new Set([...this.latest.values()].map((p) => p.flowId));
    const at = new Date(Math.floor(now / this.flushIntervalMs) * this.flushIntervalMs);
    const checkpoints: Map<string, CheckpointWindow> = this.groups.take(now);
    if (flows.size) {
      const samples = [...flows].map((flowId) => {
        const s = flowSample(
          flowId,
          [...this.latest.values()].filter((p) => p.flowId === flowId),
        );
        const w = this.window.get(flowId) ?? { records: 0, bytes: 0 };
        const c = checkpoints.get(flowId);
        return {
          ...s,
          records: w.records,
          bytes: w.bytes,
          checkpointLatencyMsAvg: c?.flowLatencyMsAvg ?? null,
        };
      });
      const t = schema.flowMetricSamples;
      // Several workers run tasks of one flow: their samples of the same interval are merged.
      await this.db
        .insert(t)
        .values(samples.map((s) => ({ ...s, resolution: 'raw', at })))
        .onConflictDoUpdate({
          target: [t.flowId, t.resolution, t.at],
          set: {
            lagRecords: sql`${t.lagRecords} + excluded.lag_records`,
            lagMsMax: sql`greatest(${t.lagMsMax}, excluded.lag_ms_max)`,
            recordAgeMsAvg: sql`coalesce(excluded.record_age_ms_avg, ${t.recordAgeMsAvg})`,
            recordAgeMsMax: sql`greatest(${t.recordAgeMsMax}, excluded.record_age_ms_max)`,
            replicationLatencyMsAvg: sql`coalesce(excluded.replication_latency_ms_avg, ${t.replicationLatencyMsAvg})`,
            replicationLatencyMsMax: sql`greatest(${t.replicationLatencyMsMax}, excluded.replication_latency_ms_max)`,
            checkpointLatencyMsAvg: sql`coalesce(excluded.checkpoint_latency_ms_avg, ${t.checkpointLatencyMsAvg})`,
            records: sql`${t.records} + excluded.records`,
            bytes: sql`${t.bytes} + excluded.bytes`,
          },
        });
      for (const f of flows) this.window.set(f, { records: 0, bytes: 0 });
      rows += samples.length;
    }
    // Checkpoint rounds may run on a worker that replicates none of the flow's partitions: their flow-level
    // latency goes into the interval's row if one exists (never a row of zeros that would look like no lag).
    for (const [flowId, c] of checkpoints) {
      if (flows.has(flowId) || c.flowLatencyMsAvg === null) continue;
      const t = schema.flowMetricSamples;
      await this.db
        .update(t)
        .set({ checkpointLatencyMsAvg: c.flowLatencyMsAvg })
        .where(sql`${t.flowId} = ${flowId} and ${t.resolution} = 'raw' and ${t.at} = ${at}`);
    }
    const extra =
      (await this.groups.write(this.db, checkpoints, at)) + (await this.minutes.write(this.db, now));
    this.rowsWritten += rows + extra;
    return rows;
  }
}

/**
 * Rolls raw samples into per-minute and per-minute into per-hour rows (recomputed from their inputs, so
 * running it twice or on two workers gives the same rows), then drops what is past retention.
 */
export async function rollUpAndExpire(db: Db, now = Date.now()): Promise<void> {
  const rollup = (from: string, to: string, unitName: 'minute' | 'hour', sinceMs: number) => {
    const unit = sql.raw(`'${unitName}'`); // one of two literals: inlined so select and group by match
    return sql`
    insert into flow_metric_samples (flow_id, resolution, at, lag_records, lag_ms_max, record_age_ms_avg,
      record_age_ms_max, replication_latency_ms_avg, replication_latency_ms_max, checkpoint_latency_ms_avg,
      records, bytes, samples)
    select flow_id, ${to}, date_trunc(${unit}, at), max(lag_records), max(lag_ms_max),
      sum(record_age_ms_avg * samples) / nullif(sum(samples) filter (where record_age_ms_avg is not null), 0),
      max(record_age_ms_max),
      sum(replication_latency_ms_avg * samples) / nullif(sum(samples) filter (where replication_latency_ms_avg is not null), 0),
      max(replication_latency_ms_max), avg(checkpoint_latency_ms_avg), sum(records), sum(bytes), sum(samples)
    from flow_metric_samples
    where resolution = ${from} and at >= date_trunc(${unit}, ${new Date(now - sinceMs)}::timestamptz)
    group by 1, 3
    on conflict (flow_id, resolution, at) do update set
      lag_records = excluded.lag_records, lag_ms_max = excluded.lag_ms_max,
      record_age_ms_avg = excluded.record_age_ms_avg, record_age_ms_max = excluded.record_age_ms_max,
      replication_latency_ms_avg = excluded.replication_latency_ms_avg,
      replication_latency_ms_max = excluded.replication_latency_ms_max,
      checkpoint_latency_ms_avg = excluded.checkpoint_latency_ms_avg,
      records = excluded.records, bytes = excluded.bytes, samples = excluded.samples`;
  };
  await db.execute(rollup('raw', '1m', 'minute', 2 * 60_000));
  await db.execute(rollup('1m', '1h', 'hour', 2 * 3600_000));
  await db.execute(groupRollup('raw', '1m', 'minute', new Date(now - 2 * 60_000)));
  await db.execute(groupRollup('1m', '1h', 'hour', new Date(now - 2 * 3600_000)));
  for (const [resolution, ms] of Object.entries(RETENTION_MS)) {
    const before = new Date(now - ms);
    await db.execute(
      sql`delete from flow_metric_samples where resolution = ${resolution} and at < ${before}::timestamptz`,
    );
    await db.execute(
      sql`delete from group_metric_samples where resolution = ${resolution} and at < ${before}::timestamptz`,
    );
  }
  for (const [resolution, ms] of Object.entries(RETENTION.partition)) {
    await db.execute(
      sql`delete from partition_metric_samples where resolution = ${resolution} and at < ${new Date(now - ms)}::timestamptz`,
    );
  }
}

/** Group samples raw → 1m → 1h, recomputed from their inputs like the flow rollup. */
function groupRollup(from: string, to: string, unitName: 'minute' | 'hour', since: Date) {
  const unit = sql.raw(`'${unitName}'`);
  return sql`
    insert into group_metric_samples (flow_id, "group", resolution, at, checkpoint_latency_ms_avg,
      checkpoint_latency_ms_max, checkpoint_age_ms_max, samples)
    select flow_id, "group", ${to}, date_trunc(${unit}, at),
      sum(checkpoint_latency_ms_avg * samples) / nullif(sum(samples) filter (where checkpoint_latency_ms_avg is not null), 0),
      max(checkpoint_latency_ms_max), max(checkpoint_age_ms_max), sum(samples)
    from group_metric_samples
    where resolution = ${from} and at >= date_trunc(${unit}, ${since}::timestamptz)
    group by 1, 2, 4
    on conflict (flow_id, "group", resolution, at) do update set
      checkpoint_latency_ms_avg = excluded.checkpoint_latency_ms_avg,
      checkpoint_latency_ms_max = excluded.checkpoint_latency_ms_max,
      checkpoint_age_ms_max = excluded.checkpoint_age_ms_max, samples = excluded.samples`;
}
