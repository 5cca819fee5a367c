import { describe, expect, it } from 'vitest';
import {
  batchStats,
  buildBatch,
  type Compression,
  crc32c,
  decodeRecords,
  rebuildReason,
  rewriteBatch,
  splitBatches,
  type WireRecord,
} from '../../src/records/index.ts';

const producer = { producerId: -1n, producerEpoch: -1, baseSequence: -1, transactional: false };

function rec(offset: bigint, over: Partial<WireRecord> = {}): WireRecord {
  return {
    offset,
    timestamp: 1_700_000_000_000n + offset,
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(`v${offset}`),
    headers: [],
    ...over,
  };
}

const records: WireRecord[] = [
  rec(0n, {
    key: null,
    headers: [
      ['a', null],
      ['b', Buffer.from('1')],
      ['a', Buffer.alloc(0)],
    ],
  }),
  rec(1n, { value: null }),
  rec(2n, { key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: 1_600_000_000_000n }),
  rec(3n, { headers: [['ключ', Buffer.from([0, 255])]] }),
];

describe('record batches', () => {
  it.each<Compression>(['none', 'gzip', 'snappy', 'lz4', 'zstd'])(
    'build → split → decode keeps every field (%s)',
    (compression) => {
      const b = buildBatch(records, { ...producer, compression, timestampType: 'create', baseOffset: 40n });
      const { batches, truncatedAt } = splitBatches(Buffer.concat([b, b]));
      expect(truncatedAt).toBeNull();
      expect(batches).toHaveLength(2);
      const h = batches[0]!.header;
      expect(h).toMatchObject({
        baseOffset: 40n,
        magic: 2,
        compression,
        recordCount: 4,
        lastOffsetDelta: 3,
        baseTimestamp: 1_700_000_000_000n,
        maxTimestamp: 1_700_000_000_003n,
        timestampType: 'create',
      });
      expect(h.crc).toBe(crc32c(b, 21));
      const out = decodeRecords(batches[1]!);
      expect(out).toEqual(records.map((r) => ({ ...r, offset: r.offset + 40n })));
    },
  );

  it('reports a truncated trailing batch by its base offset', () => {
    const a = buildBatch(records, {
      ...producer,
      compression: 'none',
      timestampType: 'create',
      baseOffset: 10n,
    });
    const b = buildBatch(records, {
      ...producer,
      compression: 'none',
      timestampType: 'create',
      baseOffset: 14n,
    });
    for (const cut of [1, 8, 20, 61, b.length - 1]) {
      const r = splitBatches(Buffer.concat([a, b.subarray(0, cut)]));
      expect(r.batches.map((x) => x.header.baseOffset)).toEqual([10n]);
      expect(r.truncatedAt).toBe(14n); // < 8 bytes: the offset after the complete batch
      expect(r.truncatedPosition).toBe(a.length);
    }
    expect(splitBatches(b.subarray(0, 5)).truncatedAt).toBe(-1n);
  });

  it('rewrites only producer fields and the CRC', () => {
    const src = buildBatch(records, {
      ...producer,
      compression: 'lz4',
      timestampType: 'create',
      baseOffset: 99n,
    });
    const [raw] = splitBatches(src).batches;
    const out = rewriteBatch(raw!, {
      producerId: 7n,
      producerEpoch: 3,
      baseSequence: 42,
      transactional: true,
    });
    const [again] = splitBatches(out).batches;
    expect(again!.header).toMatchObject({
      baseOffset: 0n,
      producerId: 7n,
      producerEpoch: 3,
      baseSequence: 42,
      isTransactional: true,
      compression: 'lz4',
      crc: crc32c(out, 21),
    });
    expect(out.subarray(61).equals(src.subarray(61))).toBe(true);
    expect(src.readBigInt64BE(0)).toBe(99n); // the source is not modified
  });

  it('clears the delete-horizon bit (the source cleaner state) and keeps the record timestamps', () => {
    const src = buildBatch(records, { ...producer, compression: 'none', timestampType: 'create' });
    src.writeInt16BE(src.readInt16BE(21) | 0x40, 21);
    src.writeUInt32BE(crc32c(src, 21), 17);
    const out = rewriteBatch(splitBatches(src).batches[0]!, { ...producer, transactional: true });
    const [again] = splitBatches(out).batches;
    expect(again!.header.attributes & 0x40).toBe(0);
    expect(again!.header.isTransactional).toBe(true);
    expect(decodeRecords(again!).map((r) => r.timestamp)).toEqual(records.map((r) => r.timestamp));
  });

  it('says when a batch must be rebuilt', () => {
    const ok = splitBatches(
      buildBatch(records, { ...producer, compression: 'none', timestampType: 'create' }),
    ).batches[0]!;
    expect(rebuildReason(ok, 1_000_000)).toBeNull();
    expect(rebuildReason(ok, ok.bytes.length - 1)).toBe('too-large');
    const gappy = [rec(5n), rec(7n), rec(8n)];
    const gap = splitBatches(
      buildBatch(gappy, {
        ...producer,
        compression: 'none',
        timestampType: 'create',
        offsetDeltas: 'from-records',
      }),
    ).batches[0]!;
    expect(gap.header).toMatchObject({ baseOffset: 5n, lastOffsetDelta: 3, recordCount: 3 });
    expect(rebuildReason(gap, 1_000_000)).toBe('offset-gap');
    expect(decodeRecords(gap).map((r) => r.offset)).toEqual([5n, 7n, 8n]);
    const lat = splitBatches(
      buildBatch(records, {
        ...producer,
        compression: 'none',
        timestampType: 'log-append',
        logAppendTime: 5n,
      }),
    ).batches[0]!;
    expect(rebuildReason(lat, 1_000_000)).toBe('log-append-time');
    expect(decodeRecords(lat).map((r) => r.timestamp)).toEqual([5n, 5n, 5n, 5n]);
  });

  it('counts from headers', () => {
    const a = buildBatch(records, {
      ...producer,
      compression: 'none',
      timestampType: 'create',
      baseOffset: 10n,
    });
    const s = batchStats(splitBatches(a).batches);
    expect(s).toEqual({
      batches: 1,
      records: 4,
      bytes: a.length,
      minTimestamp: 1_700_000_000_000n,
      maxTimestamp: 1_700_000_000_003n,
      firstOffset: 10n,
      lastOffset: 13n,
    });
  });
});
