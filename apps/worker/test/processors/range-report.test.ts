import type { PartitionRangeVerification, RangeVerificationReport } from '@ferry/engine';
import { describe, expect, it } from 'vitest';
import { storedRangeReport } from '../../src/processors/range-report.ts';

const part = (over: Partial<PartitionRangeVerification>): PartitionRangeVerification => ({
  topic: 'orders',
  partition: 0,
  remoteTopic: 'east.orders',
  sourceFrom: '100',
  sourceTo: '200',
  targetFrom: '0',
  targetTo: '100',
  sourceRecords: 100,
  targetRecords: 100,
  sourceDigest: 'a',
  targetDigest: 'a',
  ok: true,
  ...over,
});

const report = (partitions: PartitionRangeVerification[]): RangeVerificationReport => ({
  flow: 'f',
  source: 'east',
  target: 'west',
  startedAt: '2026-12-01T00:00:00.000Z',
  durationMs: 5,
  partitions,
  totals: { partitions: partitions.length, compared: partitions.length, records: 0, differing: 0 },
  ok: partitions.every((p) => p.ok),
});

describe('storedRangeReport: the whole-range report in the stored shape', () => {
  it.each<[string, Partial<PartitionRangeVerification>, Record<string, unknown>]>([
    ['identical', {}, { checked: 100, matched: 100, missing: 0, mismatched: 0, extra: 0 }],
    [
      'a duplicate at source offset 150',
      {
        ok: false,
        targetRecords: 101,
        firstDifference: { sourceOffset: '150', targetOffset: '51', field: 'extra', detail: 'second copy' },
      },
      { checked: 100, matched: 50, missing: 0, mismatched: 0, extra: 1, firstDifference: { field: 'extra' } },
    ],
    [
      'two records missing',
      {
        ok: false,
        targetRecords: 98,
        firstDifference: {
          sourceOffset: '120',
          targetOffset: null,
          field: 'missing',
          detail: 'not on the target',
        },
      },
      { matched: 20, missing: 2, extra: 0, mismatched: 0, firstDifference: { sourceOffset: '120' } },
    ],
    [
      'a value differs',
      {
        ok: false,
        firstDifference: { sourceOffset: '199', targetOffset: '99', field: 'value', detail: 'value differs' },
      },
      { matched: 99, missing: 0, extra: 0, mismatched: 1 },
    ],
  ])('%s', (_what, over, expected) => {
    const stored = storedRangeReport(report([part(over)]), 100);
    expect(stored.partitions[0]).toMatchObject(expected);
    expect(stored.ok).toBe(over.ok ?? true);
    expect(stored.totals.checked).toBe(100);
  });
});
