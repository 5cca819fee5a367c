import type { PartitionMetrics } from './partition-metrics.ts';

export interface FlowSample {
  flowId: string;
  lagRecords: number;
  lagMsMax: number;
  recordAgeMsAvg: number | null;
  recordAgeMsMax: number | null;
  replicationLatencyMsAvg: number | null;
  replicationLatencyMsMax: number | null;
  records: number;
  bytes: number;
}

/**
 * One flow's sample from the latest metrics of its partitions: lag summed (records) and maxed (time),
 * record-age and replication-latency averaged weighted by records, throughput summed. Pure.
 */
export function flowSample(flowId: string, partitions: PartitionMetrics[]): FlowSample {
  let records = 0;
  let bytes = 0;
  let lagRecords = 0;
  let lagMsMax = 0;
  let ageSum = 0;
  let ageW = 0;
  let ageMax: number | null = null;
  let latSum = 0;
  let latW = 0;
  let latMax: number | null = null;
  for (const p of partitions) {
    records += p.records;
    bytes += p.bytes;
    lagRecords += p.lagRecords ?? 0;
    lagMsMax = Math.max(lagMsMax, p.lagMs ?? 0);
    if (p.recordAgeMs && p.records > 0) {
      ageSum += p.recordAgeMs.avg * p.records;
      ageW += p.records;
      ageMax = Math.max(ageMax ?? 0, p.recordAgeMs.max);
    }
    if (p.replicationLatencyMs && p.records > 0) {
      latSum += p.replicationLatencyMs.avg * p.records;
      latW += p.records;
      latMax = Math.max(latMax ?? 0, p.replicationLatencyMs.max);
    }
  }
  return {
    flowId,
    lagRecords,
    lagMsMax,
    recordAgeMsAvg: ageW ? ageSum / ageW : null,
    recordAgeMsMax: ageMax,
    replicationLatencyMsAvg: latW ? latSum / latW : null,
    replicationLatencyMsMax: latMax,
    records,
    bytes,
  };
}

/** Retention per resolution, and which resolution a chart range reads. */
export const RETENTION_MS = { raw: 6 * 3600_000, '1m': 7 * 86400_000, '1h': 90 * 86400_000 } as const;

export function resolutionForRange(rangeMs: number): 'raw' | '1m' | '1h' {
  if (rangeMs <= 30 * 60_000) return 'raw';
  if (rangeMs <= 2 * 86400_000) return '1m';
  return '1h';
}
