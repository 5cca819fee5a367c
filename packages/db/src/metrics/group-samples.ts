import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import * as schema from '../schema/index.ts';
import type { CheckpointMetrics } from './partition-metrics.ts';

/** One flush interval of a flow's checkpoints: per group latency (avg, max) and age; and the flow's average. */
export interface CheckpointWindow {
  flowLatencyMsAvg: number | null;
  groups: Map<string, { latencyMsAvg: number | null; latencyMsMax: number | null; ageMs: number | null }>;
}

interface Acc {
  sum: number;
  count: number;
  max: number;
}

/**
 * Checkpoint latency and age per consumer group, collected between flushes. Latency comes from the engine's
 * `checkpoint-metrics` events (one per group partition whose offsets changed, averaged over the round);
 * age is the time since the last checkpoint round that covered the group.
 */
export class GroupSamples {
  private latency = new Map<string, Map<string, Acc>>();
  private lastRound = new Map<string, Map<string, number>>();
  /** The latest latency per group partition, for the groups page (group_offsets_latest). */
  private partitionLatency = new Map<string, number>();

  addLatency(c: CheckpointMetrics): void {
    const byGroup = this.latency.get(c.flowId) ?? new Map<string, Acc>();
    const a = byGroup.get(c.group) ?? { sum: 0, count: 0, max: 0 };
    a.sum += c.checkpointLatencyMs.avg;
    a.count += 1;
    a.max = Math.max(a.max, c.checkpointLatencyMs.max);
    byGroup.set(c.group, a);
    this.latency.set(c.flowId, byGroup);
    this.partitionLatency.set(
      `${c.flowId}\u0000${c.group}\u0000${c.topic}\u0000${c.partition}`,
      c.checkpointLatencyMs.avg,
    );
  }

  latencyOf(flowId: string, group: string, topic: string, partition: number): number | undefined {
    return this.partitionLatency.get(`${flowId}\u0000${group}\u0000${topic}\u0000${partition}`);
  }

  round(flowId: string, group: string, at: number): void {
    const m = this.lastRound.get(flowId) ?? new Map<string, number>();
    m.set(group, Math.max(m.get(group) ?? 0, at));
    this.lastRound.set(flowId, m);
  }

  forgetFlow(flowId: string): void {
    this.latency.delete(flowId);
    this.lastRound.delete(flowId);
    for (const k of this.partitionLatency.keys())
      if (k.startsWith(`${flowId}\u0000`)) this.partitionLatency.delete(k);
  }

  /** The window since the last call, per flow (latencies reset; round times kept for the age). Pure on state. */
  take(now: number): Map<string, CheckpointWindow> {
    const out = new Map<string, CheckpointWindow>();
    for (const flowId of new Set([...this.latency.keys(), ...this.lastRound.keys()])) {
      const lat = this.latency.get(flowId) ?? new Map<string, Acc>();
      const rounds = this.lastRound.get(flowId) ?? new Map<string, number>();
      const groups: CheckpointWindow['groups'] = new Map();
      let sum = 0;
      let count = 0;
      for (const g of new Set([...lat.keys(), ...rounds.keys()])) {
        const a = lat.get(g);
        const r = rounds.get(g);
        groups.set(g, {
          latencyMsAvg: a ? a.sum / a.count : null,
          latencyMsMax: a ? a.max : null,
          ageMs: r === undefined ? null : Math.max(0, now - r),
        });
        if (a) {
          sum += a.sum;
          count += a.count;
        }
      }
      out.set(flowId, { flowLatencyMsAvg: count ? sum / count : null, groups });
    }
    this.latency.clear();
    return out;
  }

  /** One raw row per group of the window (merged with another worker's row of the same interval). */
  async write(db: Db, windows: Map<string, CheckpointWindow>, at: Date): Promise<number> {
    const rows = [...windows].flatMap(([flowId, w]) =>
      [...w.groups].map(([group, g]) => ({
        flowId,
        group,
        resolution: 'raw',
        at,
        checkpointLatencyMsAvg: g.latencyMsAvg,
        checkpointLatencyMsMax: g.latencyMsMax,
        checkpointAgeMsMax: g.ageMs === null ? null : Math.round(g.ageMs),
      })),
    );
    if (rows.length === 0) return 0;
    const t = schema.groupMetricSamples;
    await db
      .insert(t)
      .values(rows)
      .onConflictDoUpdate({
        target: [t.flowId, t.group, t.resolution, t.at],
        set: {
          checkpointLatencyMsAvg: sql`coalesce(excluded.checkpoint_latency_ms_avg, ${t.checkpointLatencyMsAvg})`,
          checkpointLatencyMsMax: sql`greatest(${t.checkpointLatencyMsMax}, excluded.checkpoint_latency_ms_max)`,
          checkpointAgeMsMax: sql`least(${t.checkpointAgeMsMax}, excluded.checkpoint_age_ms_max)`,
        },
      });
    return rows.length;
  }
}
