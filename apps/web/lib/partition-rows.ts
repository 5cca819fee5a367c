import { assignPartitions } from '@ferry/engine';

export interface PartitionMetricsRow {
  topic: string;
  partition: number;
  sourceEndOffset: number | null;
  replicatedOffset: number | null;
  lagRecords: number | null;
  lagMs: number | null;
  recordAgeMsAvg: number | null;
  replicationLatencyMsAvg: number | null;
  recordsPerSec: number | null;
  bytesPerSec: number | null;
  updatedAt: string;
}

export interface PartitionRow extends PartitionMetricsRow {
  /** caught up | lagging | stale (no report for a minute: the flow is off or its task is not running) */
  state: 'caught up' | 'lagging' | 'stale';
  taskIndex: number | null;
  workerId: string | null;
}

export const STALE_AFTER_MS = 60_000;

/**
 * The grid's rows: each partition's latest metrics with its state and the task and worker that own it. The
 * owner follows the reconciler's deterministic split of the discovered partitions into `tasksMax` tasks
 * (the engine's assignPartitions), joined with the worker each task reports. Pure.
 */
export function partitionRows(
  metrics: PartitionMetricsRow[],
  topology: Record<string, number> | null,
  tasksMax: number,
  tasks: { taskIndex: number; workerId: string | null; state: string }[],
  now = Date.now(),
): PartitionRow[] {
  const owner = new Map<string, number>();
  if (topology) {
    const tps = Object.entries(topology).flatMap(([topic, n]) =>
      Array.from({ length: n }, (_, partition) => ({ topic, partition })),
    );
    if (tps.length)
      assignPartitions(tps, Math.max(1, tasksMax)).forEach((ts, i) => {
        for (const tp of ts) owner.set(`${tp.topic}:${tp.partition}`, i);
      });
  }
  const workers = new Map(tasks.map((t) => [t.taskIndex, t.state === 'running' ? t.workerId : null]));
  return metrics.map((m) => {
    const taskIndex = owner.get(`${m.topic}:${m.partition}`) ?? null;
    const stale = now - Date.parse(m.updatedAt) > STALE_AFTER_MS;
    return {
      ...m,
      state: stale ? 'stale' : (m.lagRecords ?? 0) > 0 ? 'lagging' : 'caught up',
      taskIndex,
      workerId: taskIndex === null ? null : (workers.get(taskIndex) ?? null),
    };
  });
}
