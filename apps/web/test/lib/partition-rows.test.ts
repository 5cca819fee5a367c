import { describe, expect, it } from 'vitest';
import { type PartitionMetricsRow, partitionRows } from '@/lib/partition-rows.ts';

const now = Date.parse('2026-12-01T10:00:00Z');
const m = (
  topic: string,
  partition: number,
  over: Partial<PartitionMetricsRow> = {},
): PartitionMetricsRow => ({
  topic,
  partition,
  sourceEndOffset: 10,
  replicatedOffset: 10,
  lagRecords: 0,
  lagMs: 0,
  recordAgeMsAvg: null,
  replicationLatencyMsAvg: null,
  recordsPerSec: 0,
  bytesPerSec: 0,
  updatedAt: new Date(now - 5000).toISOString(),
  ...over,
});

describe('partitionRows', () => {
  const tasks = [
    { taskIndex: 0, workerId: 'w-a', state: 'running' },
    { taskIndex: 1, workerId: 'w-b', state: 'stopped' },
  ];
  it.each([
    // partitions dealt round-robin over sorted topic/partition: a0→0, a1→1, b0→0
    ['a', 0, 0, 'w-a'],
    ['a', 1, 1, null], // task 1 is not running: no worker owns it now
    ['b', 0, 0, 'w-a'],
  ])('%s-%i belongs to task %i on %s', (topic, partition, task, worker) => {
    const rows = partitionRows([m(topic as string, partition as number)], { a: 2, b: 1 }, 2, tasks, now);
    expect(rows[0]).toMatchObject({ taskIndex: task, workerId: worker });
  });
  it.each([
    [{}, 'caught up'],
    [{ lagRecords: 3 }, 'lagging'],
    [{ updatedAt: new Date(now - 61_000).toISOString(), lagRecords: 3 }, 'stale'],
  ] as const)('%o is %s', (over, state) => {
    expect(partitionRows([m('a', 0, over)], null, 1, [], now)[0]).toMatchObject({ state, taskIndex: null });
  });
});
