import type { CheckpointMetrics, PartitionMetrics } from '@ferry/db';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Prometheus series named after MirrorMaker 2's JMX metrics as the Prometheus JMX exporter names them
 * (kafka_connect_mirror_source_connector_*, kafka_connect_mirror_checkpoint_connector_*), with the same
 * labels, so existing MM2 dashboards carry over — plus Ferry's replication lag, which MM2 lacks.
 */
const SRC = 'kafka_connect_mirror_source_connector';
const CKP = 'kafka_connect_mirror_checkpoint_connector';
const partitionLabels = ['source', 'target', 'topic', 'partition'] as const;
const groupLabels = ['source', 'target', 'group', 'topic', 'partition'] as const;
const gapLabels = ['flow', 'source', 'target', 'topic', 'partition'] as const;

/** One data gap, as the worker counts it (flow = the flow's name). */
export interface GapMetric {
  flow: string;
  source: string;
  target: string;
  topic: string;
  partition: number;
  records: number;
}

export function createReplicationMetrics(register: Registry) {
  const g = (name: string, help: string, labelNames: readonly string[] = partitionLabels) =>
    new Gauge({ name, help, labelNames, registers: [register] });
  const m = {
    recordCount: new Counter({
      name: `${SRC}_record_count`,
      help: 'Records replicated',
      labelNames: partitionLabels,
      registers: [register],
    }),
    byteCount: new Counter({
      name: `${SRC}_byte_count`,
      help: 'Bytes replicated',
      labelNames: partitionLabels,
      registers: [register],
    }),
    recordRate: g(`${SRC}_record_rate`, 'Records replicated per second'),
    byteRate: g(`${SRC}_byte_rate`, 'Bytes replicated per second'),
    recordAgeMin: g(`${SRC}_record_age_ms_min`, 'Minimum age of a record when it was fetched, ms'),
    recordAgeMax: g(`${SRC}_record_age_ms_max`, 'Maximum age of a record when it was fetched, ms'),
    recordAgeAvg: g(`${SRC}_record_age_ms_avg`, 'Average age of a record when it was fetched, ms'),
    latencyMin: g(
      `${SRC}_replication_latency_ms_min`,
      'Minimum time from record timestamp to its commit on the target, ms',
    ),
    latencyMax: g(
      `${SRC}_replication_latency_ms_max`,
      'Maximum time from record timestamp to its commit on the target, ms',
    ),
    latencyAvg: g(
      `${SRC}_replication_latency_ms_avg`,
      'Average time from record timestamp to its commit on the target, ms',
    ),
    lagRecords: g(
      'ferry_replication_lag_records',
      'Source end offset minus replicated position (records not yet replicated)',
    ),
    lagSeconds: g(
      'ferry_replication_lag_seconds',
      'Age of the oldest record not yet replicated, seconds (0 when caught up)',
    ),
    checkpointMin: g(
      `${CKP}_checkpoint_latency_ms_min`,
      'Minimum time from a group commit on the source to its checkpoint on the target, ms',
      groupLabels,
    ),
    checkpointMax: g(`${CKP}_checkpoint_latency_ms_max`, 'Maximum checkpoint latency, ms', groupLabels),
    checkpointAvg: g(`${CKP}_checkpoint_latency_ms_avg`, 'Average checkpoint latency, ms', groupLabels),
    gapRecords: new Counter({
      name: 'ferry_data_gap_records_total',
      help: 'Source records deleted before they were replicated (retention, DeleteRecords, a re-created topic), counted once per gap',
      labelNames: gapLabels,
      registers: [register],
    }),
    gaps: new Counter({
      name: 'ferry_data_gaps_total',
      help: 'Data gaps detected (a re-created topic whose lost range is unknown counts here with 0 records)',
      labelNames: gapLabels,
      registers: [register],
    }),
  };

  return {
    observePartition(p: PartitionMetrics): void {
      const l = { source: p.source, target: p.target, topic: p.topic, partition: String(p.partition) };
      m.recordCount.inc(l, p.records);
      m.byteCount.inc(l, p.bytes);
      const secs = Math.max(p.windowMs, 1) / 1000;
      m.recordRate.set(l, p.records / secs);
      m.byteRate.set(l, p.bytes / secs);
      if (p.recordAgeMs) {
        m.recordAgeMin.set(l, p.recordAgeMs.min);
        m.recordAgeMax.set(l, p.recordAgeMs.max);
        m.recordAgeAvg.set(l, p.recordAgeMs.avg);
      }
      if (p.replicationLatencyMs) {
        m.latencyMin.set(l, p.replicationLatencyMs.min);
        m.latencyMax.set(l, p.replicationLatencyMs.max);
        m.latencyAvg.set(l, p.replicationLatencyMs.avg);
      }
      if (p.lagRecords !== undefined) m.lagRecords.set(l, p.lagRecords);
      if (p.lagMs !== undefined) m.lagSeconds.set(l, p.lagMs / 1000);
    },
    observeGap(g: GapMetric): void {
      const l = {
        flow: g.flow,
        source: g.source,
        target: g.target,
        topic: g.topic,
        partition: String(g.partition),
      };
      m.gaps.inc(l);
      m.gapRecords.inc(l, g.records);
    },
    observeCheckpoint(c: CheckpointMetrics): void {
      const l = {
        source: c.source,
        target: c.target,
        group: c.group,
        topic: c.topic,
        partition: String(c.partition),
      };
      m.checkpointMin.set(l, c.checkpointLatencyMs.min);
      m.checkpointMax.set(l, c.checkpointLatencyMs.max);
      m.checkpointAvg.set(l, c.checkpointLatencyMs.avg);
    },
  };
}
export type ReplicationMetrics = ReturnType<typeof createReplicationMetrics>;
