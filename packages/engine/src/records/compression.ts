import { gunzipSync, gzipSync } from 'node:zlib';
import { FerryError } from '../errors.ts';
import {
  lz4Compress,
  lz4Decompress,
  snappyCompress,
  snappyDecompress,
  zstdCompress,
  zstdDecompress,
} from '../kafka/codecs.ts';
import type { Compression } from './types.ts';

/** The records section of a batch, compressed with `c` (none: unchanged). No native code (see kafka/codecs.ts). */
export function compress(c: Compression, input: Buffer): Buffer {
  switch (c) {
    case 'none':
      return input;
    case 'gzip':
      return gzipSync(input);
    case 'snappy':
      return snappyCompress(input);
    case 'lz4':
      return lz4Compress(input);
    case 'zstd':
      return zstdCompress(input);
  }
}

export function decompress(c: Compression, input: Buffer): Buffer {
  try {
    switch (c) {
      case 'none':
        return input;
      case 'gzip':
        return gunzipSync(input);
      case 'snappy':
        return snappyDecompress(input);
      case 'lz4':
        return lz4Decompress(input);
      case 'zstd':
        return zstdDecompress(input);
    }
  } catch (e) {
    throw new FerryError('CORRUPT_BATCH', `cannot decompress a ${c} record batch: ${(e as Error).message}`, {
      cause: e,
    });
  }
}
