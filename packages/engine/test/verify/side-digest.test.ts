import { describe, expect, it } from 'vitest';
import { buildBatch, type Compression, splitBatches, type WireRecord } from '../../src/records/index.ts';
import type { RawBatch } from '../../src/records/types.ts';
import { SideDigest } from '../../src/verify/side-digest.ts';

/**
 * The verify digest read straight out of a batch (addBatch) against the same records given as fields (add,
 * what v0/v1 batches use): the same bytes hashed, so the same digest and checkpoints; and every field it must
 * tell apart (key, value, header order and null values, timestamp, timestamp type) changes it.
 */
const producer = { producerId: -1n, producerEpoch: -1, baseSequence: -1, transactional: false };

function records(n: number, base = 1_700_000_000_000n): WireRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    offset: BigInt(i),
    timestamp: base + BigInt(i * 7),
    key: i % 5 === 0 ? null : Buffer.from(`k${i}`),
    value: i % 9 === 0 ? null : Buffer.alloc(i % 3 === 0 ? 300 : 20, i), // short and long spans
    headers:
      i % 4 === 0
        ? []
        : [
            ['trace', Buffer.from(`t${i}`)],
            ['h', i % 2 ? null : Buffer.alloc(0)],
            ['trace', Buffer.from('x')],
          ],
  }));
}

function batch(
  recs: WireRecord[],
  compression: Compression = 'none',
  o: { logAppendTime?: bigint; baseOffset?: bigint } = {},
): RawBatch {
  const buf = buildBatch(recs, {
    ...producer,
    compression,
    timestampType: o.logAppendTime === undefined ? 'create' : 'log-append',
    ...(o.logAppendTime === undefined ? {} : { logAppendTime: o.logAppendTime }),
    baseOffset: o.baseOffset ?? 0n,
  });
  return splitBatches(buf).batches[0]!;
}

function byFields(recs: WireRecord[], every: number, ts?: (r: WireRecord) => number): SideDigest {
  const d = new SideDigest(every);
  for (const r of recs)
    d.add(r.offset, {
      key: r.key,
      value: r.value,
      headers: r.headers,
      timestampMs: ts ? ts(r) : Number(r.timestamp),
      timestampType: 'create',
    });
  return d;
}

const digestOf = (recs: WireRecord[]) => {
  const d = new SideDigest(1000);
  d.addBatch(batch(recs), 0n, 1000n, false);
  return d.digest();
};

describe('SideDigest', () => {
  it.each(['none', 'lz4', 'gzip'] as const)(
    'a %s batch digests like its records given as fields',
    (compression) => {
      const recs = records(50);
      const d = new SideDigest(16);
      expect(d.addBatch(batch(recs, compression), 0n, 100n, false)).toBe(50n);
      const f = byFields(recs, 16);
      expect(d.count).toBe(50);
      expect(d.digest()).toBe(f.digest());
      expect(d.checkpoints).toEqual(f.checkpoints);
      expect(d.checkpoints.map((c) => [c.index, c.next])).toEqual([
        [16, 16n],
        [32, 32n],
        [48, 48n],
      ]);
    },
  );

  it('reads only [from, to) of a batch, in absolute offsets', () => {
    const recs = records(30);
    const d = new SideDigest(1000);
    expect(d.addBatch(batch(recs, 'none', { baseOffset: 1000n }), 1010n, 1020n, false)).toBe(1020n);
    expect(d.count).toBe(10);
    expect(d.digest()).toBe(byFields(recs.slice(10, 20), 1000).digest());
    expect(new SideDigest(10).addBatch(batch(recs), 40n, 50n, false)).toBeUndefined();
  });

  it('a LogAppendTime batch: the append time, hashed as CreateTime only for a replicated source record', () => {
    const recs = records(5);
    const append = 1_800_000_000_000n;
    const asSource = new SideDigest(10);
    asSource.addBatch(batch(recs, 'none', { logAppendTime: append }), 0n, 10n, true);
    expect(asSource.digest()).toBe(byFields(recs, 10, () => Number(append)).digest());
    const asIs = new SideDigest(10);
    asIs.addBatch(batch(recs, 'none', { logAppendTime: append }), 0n, 10n, false);
    expect(asIs.digest()).not.toBe(asSource.digest());
  });

  it('every compared field changes the digest', () => {
    const recs = records(8);
    const base = digestOf(recs);
    const variant = (change: (r: WireRecord) => WireRecord) =>
      digestOf(recs.map((r, i) => (i === 3 ? change(r) : r)));
    expect(recs[3]!.headers.length).toBe(3);
    const variants = [
      variant((r) => ({ ...r, key: Buffer.from('k4') })),
      variant((r) => ({ ...r, key: null })),
      variant((r) => ({ ...r, value: Buffer.alloc(20, 4) })),
      variant((r) => ({ ...r, value: null })),
      // the same headers in another order (between keys, and a repeated key's values)
      variant((r) => ({ ...r, headers: [r.headers[1]!, r.headers[0]!, r.headers[2]!] })),
      variant((r) => ({ ...r, headers: [r.headers[2]!, r.headers[1]!, r.headers[0]!] })),
      // a null header value against an empty one
      variant((r) => ({ ...r, headers: [r.headers[0]!, ['h', Buffer.alloc(0)], r.headers[2]!] })),
      variant((r) => ({ ...r, headers: r.headers.slice(0, 2) })),
      variant((r) => ({ ...r, timestamp: r.timestamp + 1n })),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    // the timestamp type alone
    const d = new SideDigest(10);
    const t = Number(recs[0]!.timestamp);
    d.add(0n, { key: null, value: null, headers: [], timestampMs: t, timestampType: 'log-append' });
    const c = new SideDigest(10);
    c.add(0n, { key: null, value: null, headers: [], timestampMs: t, timestampType: 'create' });
    expect(d.digest()).not.toBe(c.digest());
  });

  it('a record larger than the scratch buffer', () => {
    const big: WireRecord[] = [
      { offset: 0n, timestamp: 1n, key: null, value: Buffer.alloc(200_000, 7), headers: [] },
      ...records(3).map((r, i) => ({ ...r, offset: BigInt(i + 1) })),
    ];
    const d = new SideDigest(2);
    d.addBatch(batch(big, 'lz4'), 0n, 10n, false);
    expect(d.digest()).toBe(byFields(big, 2).digest());
    expect(d.checkpoints).toEqual(byFields(big, 2).checkpoints);
  });

  it('a corrupt batch is a CORRUPT_BATCH error', () => {
    const b = batch(records(3));
    const cut: RawBatch = { header: b.header, bytes: b.bytes.subarray(0, b.bytes.length - 5) };
    expect(() => new SideDigest(10).addBatch(cut, 0n, 10n, false)).toThrow(
      expect.objectContaining({ code: 'CORRUPT_BATCH' }),
    );
  });
});
