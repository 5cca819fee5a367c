import { describe, expect, it } from 'vitest';
import { Reader } from '../../src/wire/protocol/reader.ts';
import { Writer } from '../../src/wire/protocol/writer.ts';

const hex = (w: Writer) => w.toBuffer().toString('hex');
const r = (h: string) => new Reader(Buffer.from(h, 'hex'));

describe('protocol primitives: bytes as Kafka writes them', () => {
  const cases: Array<[string, (w: Writer) => void, string, (x: Reader) => unknown, unknown]> = [
    ['int8 -1', (w) => w.int8(-1), 'ff', (x) => x.int8(), -1],
    ['bool true', (w) => w.bool(true), '01', (x) => x.bool(), true],
    ['int16 -2', (w) => w.int16(-2), 'fffe', (x) => x.int16(), -2],
    ['uint16 65535', (w) => w.uint16(65535), 'ffff', (x) => x.uint16(), 65535],
    ['int32 0x01020304', (w) => w.int32(0x01020304), '01020304', (x) => x.int32(), 0x01020304],
    ['int32 min', (w) => w.int32(-2147483648), '80000000', (x) => x.int32(), -2147483648],
    ['uint32 max', (w) => w.uint32(0xffffffff), 'ffffffff', (x) => x.uint32(), 0xffffffff],
    ['int64 -1', (w) => w.int64(-1n), 'ffffffffffffffff', (x) => x.int64(), -1n],
    ['int64 2^40', (w) => w.int64(1n << 40n), '0000010000000000', (x) => x.int64(), 1n << 40n],
    ['float64 1.5', (w) => w.float64(1.5), '3ff8000000000000', (x) => x.float64(), 1.5],
    ['uvarint 0', (w) => w.uvarint(0), '00', (x) => x.uvarint(), 0],
    ['uvarint 127', (w) => w.uvarint(127), '7f', (x) => x.uvarint(), 127],
    ['uvarint 128', (w) => w.uvarint(128), '8001', (x) => x.uvarint(), 128],
    ['uvarint 300', (w) => w.uvarint(300), 'ac02', (x) => x.uvarint(), 300],
    ['uvarint 2^32-1', (w) => w.uvarint(0xffffffff), 'ffffffff0f', (x) => x.uvarint(), 0xffffffff],
    ['varint 0', (w) => w.varint(0), '00', (x) => x.varint(), 0],
    ['varint -1', (w) => w.varint(-1), '01', (x) => x.varint(), -1],
    ['varint 1', (w) => w.varint(1), '02', (x) => x.varint(), 1],
    ['varint -64', (w) => w.varint(-64), '7f', (x) => x.varint(), -64],
    ['varint 64', (w) => w.varint(64), '8001', (x) => x.varint(), 64],
    ['varint int32 max', (w) => w.varint(2147483647), 'feffffff0f', (x) => x.varint(), 2147483647],
    ['varint int32 min', (w) => w.varint(-2147483648), 'ffffffff0f', (x) => x.varint(), -2147483648],
    ['varlong 0', (w) => w.varlong(0n), '00', (x) => x.varlong(), 0n],
    ['varlong -1', (w) => w.varlong(-1n), '01', (x) => x.varlong(), -1n],
    [
      'varlong 1700000000000',
      (w) => w.varlong(1700000000000n),
      '80a0abfef962',
      (x) => x.varlong(),
      1700000000000n,
    ],
    [
      'varlong int64 max',
      (w) => w.varlong(9223372036854775807n),
      'feffffffffffffffff01',
      (x) => x.varlong(),
      9223372036854775807n,
    ],
    [
      'varlong int64 min',
      (w) => w.varlong(-9223372036854775808n),
      'ffffffffffffffffff01',
      (x) => x.varlong(),
      -9223372036854775808n,
    ],
    ['string "ab"', (w) => w.string('ab'), '00026162', (x) => x.string(), 'ab'],
    ['string utf-8', (w) => w.string('é'), '0002c3a9', (x) => x.string(), 'é'],
    ['nullable string null', (w) => w.nullableString(null), 'ffff', (x) => x.nullableString(), null],
    ['compact string "ab"', (w) => w.compactString('ab'), '036162', (x) => x.compactString(), 'ab'],
    ['compact string ""', (w) => w.compactString(''), '01', (x) => x.compactString(), ''],
    [
      'compact nullable string null',
      (w) => w.compactNullableString(null),
      '00',
      (x) => x.compactNullableString(),
      null,
    ],
    ['bytes', (w) => w.bytes(Buffer.from([1, 2])), '000000020102', (x) => x.bytes(), Buffer.from([1, 2])],
    ['nullable bytes null', (w) => w.nullableBytes(null), 'ffffffff', (x) => x.nullableBytes(), null],
    [
      'compact bytes',
      (w) => w.compactBytes(Buffer.from([9])),
      '0209',
      (x) => x.compactBytes(),
      Buffer.from([9]),
    ],
    [
      'compact nullable bytes null',
      (w) => w.compactNullableBytes(null),
      '00',
      (x) => x.compactNullableBytes(),
      null,
    ],
    [
      'array of int32',
      (w) => w.array([1, 2], (x, v) => x.int32(v)),
      '000000020000000100000002',
      (x) => x.array((y) => y.int32()),
      [1, 2],
    ],
    ['null array', (w) => w.array(null, () => undefined), 'ffffffff', (x) => x.array((y) => y.int32()), null],
    [
      'compact array of int16',
      (w) => w.compactArray([7], (x, v) => x.int16(v)),
      '020007',
      (x) => x.compactArray((y) => y.int16()),
      [7],
    ],
    [
      'compact null array',
      (w) => w.compactArray(null, () => undefined),
      '00',
      (x) => x.compactArray((y) => y.int16()),
      null,
    ],
    [
      'uuid',
      (w) => w.uuid('0102030405060708090a0b0c0d0e0f10'),
      '0102030405060708090a0b0c0d0e0f10',
      (x) => x.uuid(),
      '01020304-0506-0708-090a-0b0c0d0e0f10',
    ],
  ];

  for (const [name, write, bytes, read, value] of cases) {
    it(name, () => {
      const w = new Writer(1);
      write(w);
      expect(hex(w)).toBe(bytes);
      const x = r(bytes);
      expect(read(x)).toEqual(value);
      expect(x.remaining).toBe(0);
    });
  }

  it('tagged fields: count, then tag, size, bytes; unknown tags are skipped', () => {
    const w = new Writer();
    w.taggedFields([
      [0, Buffer.from([0xaa])],
      [300, Buffer.from([1, 2, 3])],
    ]);
    w.int8(5);
    expect(hex(w)).toBe('020001aaac0203010203' + '05');
    const x = new Reader(w.toBuffer());
    const seen: Array<[number, string]> = [];
    x.taggedFields((tag, tr) => seen.push([tag, tr.raw(tr.remaining).toString('hex')]));
    expect(seen).toEqual([
      [0, 'aa'],
      [300, '010203'],
    ]);
    expect(x.int8()).toBe(5);
    expect(hex(new Writer().taggedFields())).toBe('00');
  });

  it('large byte fields are kept by reference, small ones copied, order preserved', () => {
    const big = Buffer.alloc(10_000, 7);
    const w = new Writer(8);
    w.int32(1).bytes(big).int8(2);
    const pieces = w.finish();
    expect(pieces.some((p) => p === big)).toBe(true);
    const joined = Buffer.concat(pieces);
    expect(joined.length).toBe(4 + 4 + 10_000 + 1);
    const x = new Reader(joined);
    expect(x.int32()).toBe(1);
    expect(x.bytes().equals(big)).toBe(true);
    expect(x.int8()).toBe(2);
  });

  it('a short buffer is a clear CORRUPT_MESSAGE error, not a RangeError', () => {
    expect(() => r('0001').int32()).toThrow(/CORRUPT_MESSAGE.*truncated/);
    expect(() => r('0005616263').string()).toThrow(/truncated/);
    expect(() => r('ffffffffff7f').uvarint()).toThrow(/longer than 32 bits/);
  });
});
