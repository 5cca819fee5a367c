import {
  BUCKET_MS,
  type FlowMetrics,
  type MetricsQuery,
  RANGE_MS,
  RAW_INTERVAL_MS,
  type Resolution,
  resolutionFor,
} from '@ferry/core';
import { and, asc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { TeamContext } from '../context.ts';
import { getFlowRowOrThrow } from '../flows/get-flow.ts';
import { groupMetricSamples, groupOffsetsLatest, partitionMetricSamples } from '../schema/observability.ts';
import { flowMetricSamples } from '../schema/observed.ts';

type Point = [number, number];

interface SampleRow {
  at: Date;
  lagRecords: number;
  lagMsMax: number;
  recordAgeMsAvg: number | null;
  recordAgeMsMax: number | null;
  replicationLatencyMsAvg: number | null;
  replicationLatencyMsMax: number | null;
  records: number;
  bytes: number;
  samples: number;
}

/**
 * Sample rows → the API's series. Rates divide by the time the bucket's samples cover (samples × their
 * interval), so the newest, still-filling bucket reads right instead of low. Null values are left out
 * (a gap in the chart). Pure.
 */
export function toSeries(rows: SampleRow[], sampleMs: number): FlowMetrics['series'] {
  const s: FlowMetrics['series'] = {
    lagRecords: [],
    lagSeconds: [],
    recordAgeMsAvg: [],
    recordAgeMsMax: [],
    replicationLatencyMsAvg: [],
    replicationLatencyMsMax: [],
    recordsPerSecond: [],
    bytesPerSecond: [],
  };
  const push = (a: Point[], t: number, v: number | null) => {
    if (v !== null && Number.isFinite(v)) a.push([t, v]);
  };
  for (const r of rows) {
    const t = r.at.getTime();
    const secs = (Math.max(r.samples, 1) * sampleMs) / 1000;
    push(s.lagRecords, t, r.lagRecords);
    push(s.lagSeconds, t, r.lagMsMax / 1000);
    push(s.recordAgeMsAvg, t, r.recordAgeMsAvg);
    push(s.recordAgeMsMax, t, r.recordAgeMsMax);
    push(s.replicationLatencyMsAvg, t, r.replicationLatencyMsAvg);
    push(s.replicationLatencyMsMax, t, r.replicationLatencyMsMax);
    push(s.recordsPerSecond, t, r.records / secs);
    push(s.bytesPerSecond, t, r.bytes / secs);
  }
  return s;
}

const sampleColumns = <T extends typeof flowMetricSamples | typeof partitionMetricSamples>(t: T) => ({
  at: t.at,
  lagRecords: t.lagRecords,
  lagMsMax: t.lagMsMax,
  recordAgeMsAvg: t.recordAgeMsAvg,
  recordAgeMsMax: t.recordAgeMsMax,
  replicationLatencyMsAvg: t.replicationLatencyMsAvg,
  replicationLatencyMsMax: t.replicationLatencyMsMax,
  records: t.records,
  bytes: t.bytes,
  samples: t.samples,
});

/**
 * A flow's chart series over a range: flow totals from flow_metric_samples, or one topic (partition −1 rows)
 * or one partition from partition_metric_samples, each at the resolution `resolutionFor` picks; plus the
 * checkpoint latency and age of the consumer groups in the same scope (every group for flow totals, the
 * groups with committed offsets on the topic / partition otherwise) at that same resolution.
 */
export async function getFlowMetrics(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  flowId: string,
  q: MetricsQuery,
  now = Date.now(),
): Promise<FlowMetrics> {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const scope = q.topic === undefined ? 'flow' : q.partition === undefined ? 'topic' : 'partition';
  const resolution = resolutionFor(q.range, scope);
  const from = new Date(now - RANGE_MS[q.range]);
  const [rows, groups] = await Promise.all([
    scopeSamples(ctx, flow.id, q, resolution, from),
    groupSeries(ctx, flow.id, q, resolution, from),
  ]);
  // Flow rollups count raw samples (one per flush interval); partition rows count minutes.
  const sampleMs = scope === 'flow' ? RAW_INTERVAL_MS : 60_000;
  return {
    range: q.range,
    resolution,
    scope: {
      ...(q.topic !== undefined ? { topic: q.topic } : {}),
      ...(q.partition !== undefined ? { partition: q.partition } : {}),
    },
    stepMs: BUCKET_MS[resolution],
    from: from.getTime(),
    to: now,
    series: toSeries(rows, sampleMs),
    groups,
  };
}

async function scopeSamples(
  ctx: Pick<TeamContext, 'db'>,
  flowId: string,
  q: MetricsQuery,
  resolution: Resolution,
  from: Date,
): Promise<SampleRow[]> {
  if (q.topic === undefined) {
    const t = flowMetricSamples;
    return ctx.db
      .select(sampleColumns(t))
      .from(t)
      .where(and(eq(t.flowId, flowId), eq(t.resolution, resolution), gte(t.at, from)))
      .orderBy(asc(t.at));
  }
  const t = partitionMetricSamples;
  return ctx.db
    .select(sampleColumns(t))
    .from(t)
    .where(
      and(
        eq(t.flowId, flowId),
        eq(t.resolution, resolution),
        eq(t.topic, q.topic),
        eq(t.partition, q.partition ?? -1),
        gte(t.at, from),
      ),
    )
    .orderBy(asc(t.at));
}

/** The groups' checkpoint series in the query's scope, at the series' resolution. */
async function groupSeries(
  ctx: Pick<TeamContext, 'db'>,
  flowId: string,
  q: MetricsQuery,
  resolution: Resolution,
  from: Date,
): Promise<FlowMetrics['groups']> {
  const g = groupMetricSamples;
  const o = groupOffsetsLatest;
  const inScope =
    q.topic === undefined
      ? undefined
      : inArray(
          g.group,
          ctx.db
            .selectDistinct({ group: o.group })
            .from(o)
            .where(
              and(
                eq(o.flowId, flowId),
                eq(o.topic, q.topic),
                q.partition === undefined ? undefined : eq(o.partition, q.partition),
              ),
            ),
        );
  const rows = await ctx.db
    .select({ group: g.group, at: g.at, latency: g.checkpointLatencyMsAvg, ageMs: g.checkpointAgeMsMax })
    .from(g)
    .where(and(eq(g.flowId, flowId), eq(g.resolution, resolution), gte(g.at, from), inScope))
    .orderBy(asc(g.group), asc(g.at));
  const groups: FlowMetrics['groups'] = {};
  for (const r of rows) {
    groups[r.group] ??= { checkpointLatencyMsAvg: [], checkpointAgeSeconds: [] };
    const s = groups[r.group]!;
    const t = r.at.getTime();
    if (r.latency !== null) s.checkpointLatencyMsAvg.push([t, r.latency]);
    if (r.ageMs !== null) s.checkpointAgeSeconds.push([t, r.ageMs / 1000]);
  }
  return groups;
}

/** Latest flow sample and a short lag/throughput history per flow of a team, for the overview. */
export async function flowSparklines(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  flowIds: string[],
  now = Date.now(),
): Promise<Map<string, { lagRecords: Point[]; recordsPerSecond: Point[] }>> {
  const out = new Map<string, { lagRecords: Point[]; recordsPerSecond: Point[] }>();
  if (flowIds.length === 0) return out;
  const t = flowMetricSamples;
  const rows = await ctx.db
    .select({ flowId: t.flowId, at: t.at, lag: t.lagRecords, records: t.records, samples: t.samples })
    .from(t)
    .where(
      and(
        sql`${t.flowId} in ${flowIds}`,
        eq(t.resolution, 'raw'),
        gte(t.at, new Date(now - RANGE_MS['15m'])),
      ),
    )
    .orderBy(asc(t.at));
  for (const id of flowIds) out.set(id, { lagRecords: [], recordsPerSecond: [] });
  for (const r of rows) {
    const s = out.get(r.flowId)!;
    s.lagRecords.push([r.at.getTime(), r.lag]);
    s.recordsPerSecond.push([
      r.at.getTime(),
      r.records / ((Math.max(r.samples, 1) * RAW_INTERVAL_MS) / 1000),
    ]);
  }
  return out;
}
