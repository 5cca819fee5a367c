import { z } from 'zod';
import { METRIC_RANGES, type MetricRange } from './metric-ranges.ts';

/**
 * The metrics API's contract (GET …/flows/{flowId}/metrics), shared by the web app, the worker and the
 * benchmark: the chart ranges (metric-ranges.ts), which stored resolution each reads, and the response shape.
 */
export { METRIC_RANGES, type MetricRange };
export type Resolution = 'raw' | '1m' | '1h';
/** What a series sums over: the whole flow, one topic, or one partition. */
export type MetricScope = 'flow' | 'topic' | 'partition';

export const RANGE_MS: Record<MetricRange, number> = {
  '15m': 15 * 60_000,
  '1h': 3600_000,
  '6h': 6 * 3600_000,
  '24h': 24 * 3600_000,
  '7d': 7 * 86400_000,
};

/** Raw samples are one per flush interval of the worker; rollups one per minute and per hour. */
export const RAW_INTERVAL_MS = 5000;
export const BUCKET_MS: Record<Resolution, number> = { raw: RAW_INTERVAL_MS, '1m': 60_000, '1h': 3600_000 };

/**
 * How long each resolution is kept. Flow and group totals: raw 6 h, 1m 7 d, 1h 90 d. Topic and partition
 * series (10,000 partitions add up): 1m 6 h, 1h 30 d, no raw.
 */
export const RETENTION: Record<'flow' | 'partition', Partial<Record<Resolution, number>>> = {
  flow: { raw: 6 * 3600_000, '1m': 7 * 86400_000, '1h': 90 * 86400_000 },
  partition: { '1m': 6 * 3600_000, '1h': 30 * 86400_000 },
};

/**
 * The resolution a chart range reads: the finest one that is kept for the whole range and gives at most
 * ~1,500 points. Flow totals: 15m and 1h raw (live, 5 s steps), 6h and 24h per minute, 7d per hour.
 * Topic and partition: per minute up to 6h, per hour beyond (they have no raw samples).
 */
export function resolutionFor(range: MetricRange, scope: MetricScope): Resolution {
  const ms = RANGE_MS[range];
  if (scope === 'flow') {
    if (ms <= RANGE_MS['1h']) return 'raw';
    if (ms <= RANGE_MS['24h']) return '1m';
    return '1h';
  }
  return ms <= RANGE_MS['6h'] ? '1m' : '1h';
}

const point = z.tuple([z.number(), z.number()]);
const series = z.array(point).describe('[timestamp ms, value] pairs, oldest first');

export const metricsQuerySchema = z
  .object({
    range: z.enum(METRIC_RANGES).default('1h'),
    topic: z.string().min(1).max(249).optional(),
    partition: z.coerce.number().int().min(0).max(1_000_000).optional(),
  })
  .refine((q) => q.partition === undefined || q.topic !== undefined, {
    path: ['partition'],
    message: 'a partition needs its topic (topic=…)',
  });
export type MetricsQuery = z.infer<typeof metricsQuerySchema>;

export const flowMetricsSchema = z.object({
  range: z.enum(METRIC_RANGES),
  resolution: z.enum(['raw', '1m', '1h']),
  scope: z.object({
    topic: z.string().optional(),
    partition: z.number().optional(),
  }),
  /** Bucket width of the resolution, ms (raw: the workers' flush interval). */
  stepMs: z.number(),
  from: z.number(),
  to: z.number(),
  series: z.object({
    lagRecords: series,
    lagSeconds: series,
    recordAgeMsAvg: series,
    recordAgeMsMax: series,
    replicationLatencyMsAvg: series,
    replicationLatencyMsMax: series,
    recordsPerSecond: series,
    bytesPerSecond: series,
  }),
  groups: z.record(z.string(), z.object({ checkpointLatencyMsAvg: series, checkpointAgeSeconds: series })),
});
export type FlowMetrics = z.infer<typeof flowMetricsSchema>;
export type SeriesName = keyof FlowMetrics['series'];
