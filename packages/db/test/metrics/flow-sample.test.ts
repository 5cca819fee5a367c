import { describe, expect, it } from 'vitest';
import { flowSample, resolutionForRange } from '../../src/metrics/flow-sample.ts';
import type { PartitionMetrics } from '../../src/metrics/partition-metrics.ts';

const p = (over: Partial<PartitionMetrics>): PartitionMetrics => ({
  flowId: 'f',
  source: 'east',
  target: 'west',
  topic: 't',
  partition: 0,
  records: 0,
  bytes: 0,
  windowMs: 5000,
  ...over,
});

describe('flowSample', () => {
  it.each([
    [
      'no partitions',
      [],
      { records: 0, lagRecords: 0, lagMsMax: 0, recordAgeMsAvg: null, replicationLatencyMsMax: null },
    ],
    [
      'sums lag and throughput, maxes lag time',
      [
        p({ records: 10, bytes: 100, lagRecords: 5, lagMs: 200 }),
        p({ partition: 1, records: 30, bytes: 300, lagRecords: 7, lagMs: 900 }),
      ],
      { records: 40, bytes: 400, lagRecords: 12, lagMsMax: 900 },
    ],
    [
      'weights averages by records and ignores idle partitions',
      [
        p({
          records: 10,
          recordAgeMs: { min: 1, max: 50, avg: 10 },
          replicationLatencyMs: { min: 1, max: 9, avg: 4 },
        }),
        p({
          partition: 1,
          records: 30,
          recordAgeMs: { min: 1, max: 80, avg: 30 },
          replicationLatencyMs: { min: 2, max: 20, avg: 8 },
        }),
        p({ partition: 2, records: 0, recordAgeMs: { min: 0, max: 999, avg: 999 } }),
      ],
      { recordAgeMsAvg: 25, recordAgeMsMax: 80, replicationLatencyMsAvg: 7, replicationLatencyMsMax: 20 },
    ],
  ])('%s', (_l, parts, expected) => {
    expect(flowSample('f', parts)).toMatchObject(expected);
  });
});

describe('resolutionForRange', () => {
  it.each([
    [15 * 60_000, 'raw'],
    [30 * 60_000, 'raw'],
    [6 * 3600_000, '1m'],
    [2 * 86400_000, '1m'],
    [30 * 86400_000, '1h'],
  ])('%i ms → %s', (range, res) => expect(resolutionForRange(range)).toBe(res));
});
