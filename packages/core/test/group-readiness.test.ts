import { describe, expect, it } from 'vitest';
import { type GroupPartitionState, groupPartitionView, groupReadiness } from '../src/group-readiness.ts';

const now = Date.parse('2026-12-01T10:00:00Z');
const p = (over: Partial<GroupPartitionState> = {}): GroupPartitionState => ({
  group: 'billing',
  topic: 'orders',
  partition: 0,
  remoteTopic: 'east.orders',
  sourceOffset: 100,
  targetOffset: 100,
  exact: true,
  reasonCode: null,
  reason: null,
  checkedAt: new Date(now - 1000).toISOString(),
  checkpointedAt: new Date(now - 4000).toISOString(),
  checkpointLatencyMs: 200,
  replicatedOffset: 100,
  lagRecords: 0,
  lagMs: 0,
  ...over,
});

describe('groupPartitionView', () => {
  it.each([
    ['exact', {}, 0],
    [
      'ahead of replication',
      { exact: false, reasonCode: 'NOT_YET_REPLICATED', targetOffset: null, replicatedOffset: 70 },
      30,
    ],
    [
      'ahead, position unknown',
      { exact: false, reasonCode: 'NOT_YET_REPLICATED', replicatedOffset: null },
      null,
    ],
    ['before replication began', { exact: false, reasonCode: 'BEFORE_REPLICATION_START' }, null],
  ] as const)('%s → re-reads %s', (_n, over, reRead) => {
    const v = groupPartitionView(p(over), now);
    expect(v.reReadRecords).toBe(reRead);
    expect(v.checkpointAgeSeconds).toBe(4);
  });
});

describe('groupReadiness', () => {
  const view = (over: Partial<GroupPartitionState>[]) =>
    over.map((o, i) => groupPartitionView(p({ partition: i, ...o }), now));
  it('is ready when every partition is exact and nothing is behind', () => {
    const r = groupReadiness('billing', view([{}, { checkpointLatencyMs: 400 }]));
    expect(r).toMatchObject({
      partitions: 2,
      exactPartitions: 2,
      reReadRecords: 0,
      notReplicatedRecords: 0,
      ready: true,
    });
    expect(r.checkpointLatencyMsAvg).toBe(300);
    expect(r.summary).toBe('ready: switching now re-reads nothing and skips nothing');
  });
  it('counts records not yet replicated, in records and seconds', () => {
    const r = groupReadiness(
      'billing',
      view([
        { lagRecords: 5, lagMs: 1500 },
        { lagRecords: 7, lagMs: 800 },
      ]),
    );
    expect(r).toMatchObject({
      ready: false,
      reReadRecords: 0,
      notReplicatedRecords: 12,
      notReplicatedSeconds: 1.5,
    });
    expect(r.summary).toBe('switching now re-reads 0 records; 12 records not yet replicated (1.5 s)');
  });
  it('adds the re-reads of partitions ahead of replication, and says when a cost is unknown', () => {
    const ahead = { exact: false, reasonCode: 'NOT_YET_REPLICATED', replicatedOffset: 90, lagRecords: 10 };
    expect(groupReadiness('g', view([ahead])).reReadRecords).toBe(10);
    const r = groupReadiness('g', view([ahead, { exact: false, reasonCode: 'NOTHING_REPLICATED' }]));
    expect(r.unknownPartitions).toBe(1);
    expect(r.summary).toContain('1 of 2 partitions cannot be translated exactly');
  });
  it('a group with no committed offsets is not ready', () => {
    expect(groupReadiness('g', [])).toMatchObject({
      ready: false,
      summary: 'no committed offsets on the source yet',
    });
  });
});
