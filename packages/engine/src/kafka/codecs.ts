/// <reference path="./vendor.d.ts" />
import { constants as zc, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import kafkajs from 'kafkajs';

const { CompressionCodecs, CompressionTypes } = kafkajs;

import lz4 from 'lz4js';
import lz4xxh from 'lz4js/xxh32.js';
import snappy from 'snappyjs';

/*
 * kafkajs ships gzip only; Ferry registers the other three codecs Kafka defines, all without native code:
 *   snappy  snappyjs, with the xerial stream framing that the Java client (snappy-java) writes:
 *           magic 82 'S' 'N' 'A' 'P' 'P' 'Y' 00 | version int32 | compatible int32 | (length int32 | block)*
 *           Plain unframed snappy is accepted too (librdkafka's older output).
 *   lz4     lz4js, the LZ4 frame format (magic 04 22 4D 18) as Kafka ≥ 0.10 writes it.
 *   zstd    Node's built-in zlib zstd (Node ≥ 22.15 / 23.8).
 */

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_BLOCK = 32 * 1024;

export function snappyCompress(input: Buffer): Buffer {
  const parts: Buffer[] = [XERIAL_MAGIC, int32(1), int32(1)];
  for (let i = 0; i < input.length; i += XERIAL_BLOCK) {
    const block = Buffer.from(snappy.compress(input.subarray(i, i + XERIAL_BLOCK)));
    parts.push(int32(block.length), block);
  }
  return Buffer.concat(parts);
}

export function snappyDecompress(input: Buffer): Buffer {
  if (input.length < 16 || !input.subarray(0, 8).equals(XERIAL_MAGIC))
    return Buffer.from(snappy.uncompress(input));
  const parts: Buffer[] = [];
  for (let i = 16; i < input.length; ) {
    const len = input.readInt32BE(i);
    parts.push(Buffer.from(snappy.uncompress(input.subarray(i + 4, i + 4 + len))));
    i += 4 + len;
  }
  return Buffer.concat(parts);
}

/*
 * LZ4 frame, written here because lz4js's own frames use dependent blocks, which Kafka rejects:
 *   magic 04 22 4D 18 | FLG 0x60 (version 01, block independence) | BD 0x40 (64 KiB blocks) | HC = (xxh32(FLG BD) >> 8) & 0xff
 *   (size uint32le [high bit: stored uncompressed] | block)* | 00 00 00 00
 */
const LZ4_BLOCK = 64 * 1024;

export function lz4Compress(input: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0]);
  header[6] = (lz4xxh.hash(0, header, 4, 2) >>> 8) & 0xff;
  parts.push(header);
  const dst = Buffer.alloc(LZ4_BLOCK + (LZ4_BLOCK >> 7) + 64);
  for (let i = 0; i < input.length; i += LZ4_BLOCK) {
    const block = input.subarray(i, i + LZ4_BLOCK);
    const n = lz4.compressBlock(block, dst, 0, block.length, new Uint32Array(1 << 16));
    const size = Buffer.alloc(4);
    if (n === 0 || n >= block.length) {
      size.writeUInt32LE((0x80000000 | block.length) >>> 0);
      parts.push(size, Buffer.from(block));
    } else {
      size.writeUInt32LE(n);
      parts.push(size, Buffer.from(dst.subarray(0, n)));
    }
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

export function lz4Decompress(input: Buffer): Buffer {
  return Buffer.from(lz4.decompress(input));
}

export function zstdCompress(input: Buffer): Buffer {
  return zstdCompressSync(input, { params: { [zc.ZSTD_c_compressionLevel]: 3 } });
}

export function zstdDecompress(input: Buffer): Buffer {
  return zstdDecompressSync(input);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

let registered = false;

/** Makes kafkajs read (and write) snappy, lz4 and zstd record batches. Idempotent. */
export function registerCodecs(): void {
  if (registered) return;
  registered = true;
  const codec = (c: (b: Buffer) => Buffer, d: (b: Buffer) => Buffer) => () => ({
    compress: async (encoder: { buffer: Buffer }) => c(encoder.buffer),
    decompress: async (buffer: Buffer) => d(buffer),
  });
  const codecs = CompressionCodecs as unknown as Record<number, unknown>;
  codecs[CompressionTypes.Snappy] = codec(snappyCompress, snappyDecompress);
  codecs[CompressionTypes.LZ4] = codec(lz4Compress, lz4Decompress);
  codecs[CompressionTypes.ZSTD] = codec(zstdCompress, zstdDecompress);
}
