import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import * as schema from '../schema/index.ts';
import type { PartitionMetrics } from './partition-metrics.ts';

/** One partition's (or, with partition −1, one topic's) minute. */
export interface MinuteRow {
  flowId: string;
  topic: string;
  partition: number;
  at: number;
  lagRecords: number;
  lagMsMax: number;
  recordAgeMsAvg: number | null;
  recordAgeMsMax: number | null;
  replicationLatencyMsAvg: number | null;
  replicationLatencyMsMax: number | null;
  records: number;
  bytes: number;
}

interface Acc extends Omit<MinuteRow, 'recordAgeMsAvg' | 'replicationLatencyMsAvg'> {
  ageSum: number;
  ageW: number;
  latSum: number;
  latW: number;
}

const MINUTE = 60_000;
const HOUR = 3600_000;
/** Rows per insert statement (14 columns: well under Postgres's 65,535 bind parameters). */
const ROWS_PER_STATEMENT = 2000;

function newAcc(flowId: string, topic: string, partition: number, at: number): Acc {
  return {
    flowId,
    topic,
    partition,
    at,
    lagRecords: 0,
    lagMsMax: 0,
    recordAgeMsMax: null,
    replicationLatencyMsMax: null,
    records: 0,
    bytes: 0,
    ageSum: 0,
    ageW: 0,
    latSum: 0,
    latW: 0,
  };
}

function addTo(
  a: Acc,
  p: Pick<PartitionMetrics, 'records' | 'bytes' | 'recordAgeMs' | 'replicationLatencyMs'>,
) {
  a.records += p.records;
  a.bytes += p.bytes;
  if (p.recordAgeMs && p.records > 0) {
    a.ageSum += p.recordAgeMs.avg * p.records;
    a.ageW += p.records;
    a.recordAgeMsMax = Math.max(a.recordAgeMsMax ?? 0, p.recordAgeMs.max);
  }
  if (p.replicationLatencyMs && p.records > 0) {
    a.latSum += p.replicationLatencyMs.avg * p.records;
    a.latW += p.records;
    a.replicationLatencyMsMax = Math.max(a.replicationLatencyMsMax ?? 0, p.replicationLatencyMs.max);
  }
}

const row = (a: Acc): MinuteRow => ({
  flowId: a.flowId,
  topic: a.topic,
  partition: a.partition,
  at: a.at,
  lagRecords: a.lagRecords,
  lagMsMax: a.lagMsMax,
  recordAgeMsAvg: a.ageW ? a.ageSum / a.ageW : null,
  recordAgeMsMax: a.recordAgeMsMax,
  replicationLatencyMsAvg: a.latW ? a.latSum / a.latW : null,
  replicationLatencyMsMax: a.replicationLatencyMsMax,
  records: a.records,
  bytes: a.bytes,
});

/**
 * Per-partition minute aggregates of the engine's metrics: lag as last seen in the minute (records) and its
 * maximum (time), record-age and latency averaged weighted by records, throughput summed. A finished
 * minute becomes rows for each partition plus one per topic (partition −1: lag summed, time maxed). Pure.
 */
export function minuteRows(accs: Iterable<Acc>): MinuteRow[] {
  const out: MinuteRow[] = [];
  const topics = new Map<string, Acc>();
  for (const a of accs) {
    out.push(row(a));
    const k = `${a.flowId}\u0000${a.topic}\u0000${a.at}`;
    const t = topics.get(k) ?? newAcc(a.flowId, a.topic, -1, a.at);
    t.lagRecords += a.lagRecords;
    t.lagMsMax = Math.max(t.lagMsMax, a.lagMsMax);
    t.records += a.records;
    t.bytes += a.bytes;
    t.ageSum += a.ageSum;
    t.ageW += a.ageW;
    t.latSum += a.latSum;
    t.latW += a.latW;
    if (a.recordAgeMsMax !== null) t.recordAgeMsMax = Math.max(t.recordAgeMsMax ?? 0, a.recordAgeMsMax);
    if (a.replicationLatencyMsMax !== null)
      t.replicationLatencyMsMax = Math.max(t.replicationLatencyMsMax ?? 0, a.replicationLatencyMsMax);
    topics.set(k, t);
  }
  for (const t of topics.values()) out.push(row(t));
  return out;
}

/** Minute rows folded per hour (lag and maxima the greatest, averages weighted by minutes, sums). Pure. */
export function hourRows(rows: MinuteRow[]): Array<MinuteRow & { samples: number }> {
  const out = new Map<string, MinuteRow & { samples: number }>();
  const avg = (a: number | null, n: number, b: number | null) =>
    a === null ? b : b === null ? a : (a * n + b) / (n + 1);
  const max = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
  for (const r of rows) {
    const at = Math.floor(r.at / HOUR) * HOUR;
    const k = `${r.flowId}\u0000${r.topic}\u0000${r.partition}\u0000${at}`;
    const h = out.get(k);
    if (!h) {
      out.set(k, { ...r, at, samples: 1 });
      continue;
    }
    h.lagRecords = Math.max(h.lagRecords, r.lagRecords);
    h.lagMsMax = Math.max(h.lagMsMax, r.lagMsMax);
    h.recordAgeMsAvg = avg(h.recordAgeMsAvg, h.samples, r.recordAgeMsAvg);
    h.replicationLatencyMsAvg = avg(h.replicationLatencyMsAvg, h.samples, r.replicationLatencyMsAvg);
    h.recordAgeMsMax = max(h.recordAgeMsMax, r.recordAgeMsMax);
    h.replicationLatencyMsMax = max(h.replicationLatencyMsMax, r.replicationLatencyMsMax);
    h.records += r.records;
    h.bytes += r.bytes;
    h.samples += 1;
  }
  return [...out.values()];
}

export class MinuteSamples {
  private accs = new Map<string, Acc>();

  add(p: PartitionMetrics, now: number): void {
    const at = Math.floor(now / MINUTE) * MINUTE;
    const k = `${p.flowId}\u0000${p.topic}\u0000${p.partition}\u0000${at}`;
    let a = this.accs.get(k);
    if (!a) {
      a = newAcc(p.flowId, p.topic, p.partition, at);
      this.accs.set(k, a);
    }
    addTo(a, p);
    if (p.lagRecords !== undefined) a.lagRecords = p.lagRecords;
    a.lagMsMax = Math.max(a.lagMsMax, p.lagMs ?? 0);
  }

  /** Minutes that have ended, taken out. */
  takeFinished(now: number): Acc[] {
    const current = Math.floor(now / MINUTE) * MINUTE;
    const out: Acc[] = [];
    for (const [k, a] of this.accs)
      if (a.at < current) {
        out.push(a);
        this.accs.delete(k);
      }
    return out;
  }

  /**
   * Writes the finished minutes as `1m` rows and folds them into their hour's `1h` row (lag and maxima the
   * greatest, averages weighted by minutes, throughput summed). Rows of the same partition and minute from a
   * second worker (during a task hand-over) merge; a topic's rows from several workers add up.
   */
  async write(db: Db, now: number): Promise<number> {
    const finished = this.takeFinished(now);
    if (finished.length === 0) return 0;
    const rows = minuteRows(finished);
    const t = schema.partitionMetricSamples;
    const values = (r: MinuteRow & { samples?: number }, resolution: '1m' | '1h') => ({
      flowId: r.flowId,
      resolution,
      topic: r.topic,
      partition: r.partition,
      at: new Date(r.at),
      lagRecords: r.lagRecords,
      lagMsMax: r.lagMsMax,
      recordAgeMsAvg: r.recordAgeMsAvg,
      recordAgeMsMax: r.recordAgeMsMax,
      replicationLatencyMsAvg: r.replicationLatencyMsAvg,
      replicationLatencyMsMax: r.replicationLatencyMsMax,
      records: r.records,
      bytes: r.bytes,
      samples: r.samples ?? 1,
    });
    const wavg = (c: string) =>
      sql.raw(
        `case when excluded.${c} is null then partition_metric_samples.${c} when partition_metric_samples.${c} is null then excluded.${c} else (partition_metric_samples.${c} * partition_metric_samples.samples + excluded.${c} * excluded.samples) / (partition_metric_samples.samples + excluded.samples) end`,
      );
    for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
      const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
      await db
        .insert(t)
        .values(chunk.map((r) => values(r, '1m')))
        .onConflictDoUpdate({
          target: [t.flowId, t.resolution, t.topic, t.partition, t.at],
          set: {
            lagRecords: sql`case when excluded.partition = -1 then ${t.lagRecords} + excluded.lag_records else greatest(${t.lagRecords}, excluded.lag_records) end`,
            lagMsMax: sql`greatest(${t.lagMsMax}, excluded.lag_ms_max)`,
            recordAgeMsAvg: sql`coalesce((${t.recordAgeMsAvg} + excluded.record_age_ms_avg) / 2, ${t.recordAgeMsAvg}, excluded.record_age_ms_avg)`,
            recordAgeMsMax: sql`greatest(${t.recordAgeMsMax}, excluded.record_age_ms_max)`,
            replicationLatencyMsAvg: sql`coalesce((${t.replicationLatencyMsAvg} + excluded.replication_latency_ms_avg) / 2, ${t.replicationLatencyMsAvg}, excluded.replication_latency_ms_avg)`,
            replicationLatencyMsMax: sql`greatest(${t.replicationLatencyMsMax}, excluded.replication_latency_ms_max)`,
            records: sql`${t.records} + excluded.records`,
            bytes: sql`${t.bytes} + excluded.bytes`,
          },
        });
    }
    const hours = hourRows(rows);
    for (let i = 0; i < hours.length; i += ROWS_PER_STATEMENT) {
      const chunk = hours.slice(i, i + ROWS_PER_STATEMENT);
      await db
        .insert(t)
        .values(chunk.map((r) => values(r, '1h')))
        .onConflictDoUpdate({
          target: [t.flowId, t.resolution, t.topic, t.partition, t.at],
          set: {
            lagRecords: sql`greatest(${t.lagRecords}, excluded.lag_records)`,
            lagMsMax: sql`greatest(${t.lagMsMax}, excluded.lag_ms_max)`,
            recordAgeMsAvg: wavg('record_age_ms_avg'),
            recordAgeMsMax: sql`greatest(${t.recordAgeMsMax}, excluded.record_age_ms_max)`,
            replicationLatencyMsAvg: wavg('replication_latency_ms_avg'),
            replicationLatencyMsMax: sql`greatest(${t.replicationLatencyMsMax}, excluded.replication_latency_ms_max)`,
            records: sql`${t.records} + excluded.records`,
            bytes: sql`${t.bytes} + excluded.bytes`,
            samples: sql`${t.samples} + excluded.samples`,
          },
        });
    }
    return rows.length + hours.length;
  }
}
