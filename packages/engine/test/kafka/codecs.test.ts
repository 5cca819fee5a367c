import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  lz4Compress,
  lz4Decompress,
  snappyCompress,
  snappyDecompress,
  zstdCompress,
  zstdDecompress,
} from '../../src/kafka/codecs.ts';

const inputs: Array<[string, Buffer]> = [
  ['empty', Buffer.alloc(0)],
  ['short', Buffer.from('hello')],
  ['repetitive 300 KiB', Buffer.from('abcdefgh'.repeat(40_000))],
  ['random 100 KiB', randomBytes(100 * 1024)],
];

describe.each([
  ['snappy', snappyCompress, snappyDecompress],
  ['lz4', lz4Compress, lz4Decompress],
  ['zstd', zstdCompress, zstdDecompress],
])('%s', (_name, compress, decompress) => {
  it.each(inputs)('round-trips %s', (_label, input) => {
    expect(decompress(compress(input)).equals(input)).toBe(true);
  });
});

describe('wire framing', () => {
  it('snappy uses the xerial stream header the Java client writes, and reads unframed snappy too', () => {
    const framed = snappyCompress(Buffer.from('kafka'));
    expect([...framed.subarray(0, 16)]).toEqual([
      0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1,
    ]);
    // raw snappy of "kafka": varint length 5, literal tag (len-1)<<2, bytes
    expect(snappyDecompress(Buffer.from([5, 4 << 2, ...Buffer.from('kafka')])).toString()).toBe('kafka');
  });

  it('lz4 frames declare independent 64 KiB blocks with a valid header checksum', () => {
    const f = lz4Compress(Buffer.from('x'.repeat(200_000)));
    expect([...f.subarray(0, 6)]).toEqual([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40]);
    // xxh32 of [0x60, 0x40], second byte: computed by the LZ4 reference implementation
    expect(f[6]).toBe(0x82);
    expect([...f.subarray(f.length - 4)]).toEqual([0, 0, 0, 0]);
  });
});
