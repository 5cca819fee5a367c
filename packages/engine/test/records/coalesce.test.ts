import { describe, expect, it } from 'vitest';
import {
  buildBatch,
  type Compression,
  coalescable,
  coalesceBatches,
  coalescedSizeBound,
  crc32c,
  decodeRecords,
  type RawBatch,
  rewriteBatch,
  sourceRuns,
  splitBatches,
  type WireRecord,
} from '../../src/records/index.ts';

const producer = { producerId: 7n, producerEpoch: 3, baseSequence: 11, transactional: true };

function rec(offset: bigint, over: Partial<WireRecord> = {}): WireRecord {
  return {
    offset,
    timestamp: 1_700_000_000_000n + offset * 10n,
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(`v${offset}`.repeat(Number(offset % 7n) + 1)),
    headers: [],
    ...over,
  };
}

/** One source batch per group of records, as a broker would store them (base offset = first record's). */
function batches(groups: WireRecord[][], o: { compression?: Compression } = {}): RawBatch[] {
  return groups.map((g) => {
    const bytes = buildBatch(g, {
      ...producer,
      compression: o.compression ?? 'none',
      timestampType: 'create',
      baseOffset: g[0]!.offset,
      offsetDeltas: 'from-records',
    });
    return splitBatches(bytes).batches[0]!;
  });
}

function groupsOf(sizes: number[], start = 100n, over: (o: bigint) => Partial<WireRecord> = () => ({})) {
  let o = start;
  return sizes.map((n) => Array.from({ length: n }, () => rec(o, over(o++))));
}

/** What the rebuild path writes for these records: one uncompressed batch with placeholder producer fields. */
function asRebuilt(records: WireRecord[]): Buffer {
  return buildBatch(records, {
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    transactional: false,
    compression: 'none',
    timestampType: 'create',
    baseOffset: records[0]!.offset,
    offsetDeltas: 'from-records',
  });
}

const cases: Array<{ name: string; groups: WireRecord[][] }> = [
  { name: 'one batch', groups: groupsOf([3]) },
  { name: 'single records', groups: groupsOf([1, 1, 1, 1, 1]) },
  { name: 'uneven batches', groups: groupsOf([5, 1, 12, 2]) },
  {
    name: 'null keys and values, repeated and null headers, empty bytes',
    groups: groupsOf([2, 3], 0n, (o) =>
      o % 2n === 0n
        ? {
            key: null,
            value: null,
            headers: [
              ['a', null],
              ['a', Buffer.alloc(0)],
              ['ключ', Buffer.from([0, 255])],
            ],
          }
        : { key: Buffer.alloc(0), value: Buffer.alloc(0) },
    ),
  },
  {
    name: 'timestamps earlier than the first batch, far later, equal',
    groups: groupsOf([2, 2, 2], 5n, (o) => ({
      timestamp: o === 7n ? 1_600_000_000_000n : o === 9n ? 1_800_000_000_000n : 1_700_000_000_000n,
    })),
  },
  { name: 'offsets past 2^31', groups: groupsOf([2, 4], 3_000_000_000n) },
  {
    name: 'large values (multi-byte lengths)',
    groups: groupsOf([1, 2], 0n, () => ({ value: Buffer.alloc(20_000, 1) })),
  },
];

describe('coalesceBatches', () => {
  it.each(cases)(
    '$name: one batch, the same records, byte for byte what buildBatch would write',
    ({ groups }) => {
      const input = batches(groups);
      const out = coalesceBatches(input);
      const all = groups.flat();
      const { batches: split, truncatedAt } = splitBatches(out);
      expect(truncatedAt).toBeNull();
      expect(split).toHaveLength(1);
      const h = split[0]!.header;
      expect(h).toMatchObject({
        baseOffset: all[0]!.offset,
        recordCount: all.length,
        lastOffsetDelta: all.length - 1,
        baseTimestamp: all[0]!.timestamp,
        // biome-ignore lint/complexity/useMathMinMax: timestamps are bigints
        maxTimestamp: all.reduce((m, r) => (r.timestamp > m ? r.timestamp : m), all[0]!.timestamp),
        compression: 'none',
        timestampType: 'create',
        isTransactional: false,
        isControl: false,
        producerId: -1n,
        producerEpoch: -1,
        baseSequence: -1,
      });
      expect(h.crc).toBe(crc32c(out, 21));
      // every field of every record, offsets included
      const got = decodeRecords(split[0]!);
      const want = input.flatMap((b) => decodeRecords(b));
      expect(got.map((r) => ({ ...r, key: null, value: null }))).toEqual(
        want.map((r) => ({ ...r, key: null, value: null })),
      );
      got.forEach((r, i) => {
        expect(r.key === null ? null : r.key.equals(want[i]!.key!)).toBe(want[i]!.key === null ? null : true);
        expect(r.value === null ? null : r.value.equals(want[i]!.value!)).toBe(
          want[i]!.value === null ? null : true,
        );
      });
      // the same bytes the rebuild path would write for those records
      const rebuilt = asRebuilt(all);
      expect(out.equals(rebuilt)).toBe(true);
      expect(out.length).toBeLessThanOrEqual(coalescedSizeBound(input));
      // the writer then sets its producer fields: still a valid batch with the same records
      const sent = rewriteBatch(split[0]!, producer);
      expect(splitBatches(sent).batches[0]!.header.crc).toBe(crc32c(sent, 21));
    },
  );

  it.each<{ name: string; make: () => RawBatch[] }>([
    { name: 'compressed', make: () => batches(groupsOf([2, 2]), { compression: 'lz4' }) },
    {
      name: 'an offset gap between batches',
      make: () => [...batches(groupsOf([2], 0n)), ...batches(groupsOf([2], 3n))],
    },
    { name: 'out of order', make: () => batches(groupsOf([2, 2])).reverse() },
    { name: 'nothing', make: () => [] },
  ])('refuses $name', ({ make }) => {
    expect(() => coalesceBatches(make())).toThrow();
  });

  it.each<{ name: string; starts: bigint[]; sizes: number[]; runs: Array<[bigint, number]> }>([
    // a transactional source: each transaction's batch, then its commit marker (one offset) in between
    {
      name: 'a marker after each batch',
      starts: [0n, 3n, 6n],
      sizes: [2, 2, 2],
      runs: [
        [0n, 2],
        [3n, 2],
        [6n, 2],
      ],
    },
    // an aborted transaction's batches (read_committed drops them) between two committed ones
    {
      name: 'aborted batches between',
      starts: [10n, 40n],
      sizes: [5, 1],
      runs: [
        [10n, 5],
        [40n, 1],
      ],
    },
    {
      name: 'contiguous, then a gap',
      starts: [0n, 2n, 9n],
      sizes: [2, 3, 1],
      runs: [
        [0n, 5],
        [9n, 1],
      ],
    },
    {
      name: 'past 2^31',
      starts: [3_000_000_000n, 3_000_000_100n],
      sizes: [1, 2],
      runs: [
        [3_000_000_000n, 1],
        [3_000_000_100n, 2],
      ],
    },
  ])(
    'across gaps ($name): the same records in order, offsets consecutive on the target, runs exact',
    ({ starts, sizes, runs }) => {
      const groups = starts.map(
        (start, i) =>
          groupsOf([sizes[i]!], start, (o) => ({
            headers:
              o % 2n === 0n
                ? [
                    ['h', null],
                    ['h', Buffer.from([1])],
                  ]
                : [],
          }))[0]!,
      );
      const input = batches(groups);
      expect(() => coalesceBatches(input)).toThrow(); // without the option, a gap is refused as before
      const out = coalesceBatches(input, { acrossGaps: true });
      const all = groups.flat();
      const split = splitBatches(out).batches;
      expect(split).toHaveLength(1);
      expect(split[0]!.header).toMatchObject({
        baseOffset: all[0]!.offset,
        recordCount: all.length,
        lastOffsetDelta: all.length - 1,
        baseTimestamp: all[0]!.timestamp,
      });
      expect(split[0]!.header.crc).toBe(crc32c(out, 21));
      const got = decodeRecords(split[0]!);
      const want = input.flatMap((b) => decodeRecords(b));
      // every field but the offset as it was, the offsets the next ones from the first
      expect(got.map(({ offset: _o, ...r }) => r)).toEqual(want.map(({ offset: _o, ...r }) => r));
      expect(got.map((r) => r.offset)).toEqual(all.map((_, i) => all[0]!.offset + BigInt(i)));
      // the same bytes the rebuild path writes for those records at consecutive offsets
      const rebuilt = asRebuilt(all.map((r, i) => ({ ...r, offset: all[0]!.offset + BigInt(i) })));
      expect(out.equals(rebuilt)).toBe(true);
      expect(sourceRuns(input)).toEqual(runs.map(([start, length]) => ({ start, length })));
    },
  );

  it.each<{ name: string; make: () => RawBatch[] }>([
    { name: 'out of order', make: () => batches(groupsOf([2, 2])).reverse() },
    { name: 'overlapping', make: () => [...batches(groupsOf([3], 0n)), ...batches(groupsOf([2], 2n))] },
  ])('across gaps, still refuses $name', ({ make }) => {
    expect(() => coalesceBatches(make(), { acrossGaps: true })).toThrow();
  });

  it.each<{ name: string; batch: () => RawBatch; ok: boolean }>([
    { name: 'uncompressed CreateTime', batch: () => batches(groupsOf([2]))[0]!, ok: true },
    ...(['gzip', 'snappy', 'lz4', 'zstd'] as const).map((c) => ({
      name: c,
      batch: () => batches(groupsOf([2]), { compression: c })[0]!,
      ok: false,
    })),
    {
      name: 'LogAppendTime',
      batch: () =>
        splitBatches(buildBatch([rec(0n)], { ...producer, compression: 'none', timestampType: 'log-append' }))
          .batches[0]!,
      ok: false,
    },
    {
      name: 'an offset gap inside (compacted)',
      batch: () =>
        splitBatches(
          buildBatch([rec(0n), rec(2n)], {
            ...producer,
            compression: 'none',
            timestampType: 'create',
            offsetDeltas: 'from-records',
          }),
        ).batches[0]!,
      ok: false,
    },
  ])('coalescable: $name → $ok', ({ batch, ok }) => {
    expect(coalescable(batch())).toBe(ok);
  });
});
