import { FerryError } from '../errors.ts';
import { LOG_OVERHEAD, OFFSET_MAGIC, readHeader } from './batch-header.ts';
import type { RawBatch } from './types.ts';

export interface SplitResult {
  /** Complete batches in buffer order; each `bytes` is a view into the input (no copy). */
  batches: RawBatch[];
  /**
   * The base offset of a truncated trailing batch (a fetch response cuts the last batch at its byte limit), or
   * null when the buffer ended on a batch boundary. When fewer than 8 bytes of it are there, its offset is
   * unknown and this is the offset after the last complete batch (-1n when there was none).
   */
  truncatedAt: bigint | null;
  /** Byte position where the truncated trailing batch starts, or null. */
  truncatedPosition: number | null;
}

/**
 * Splits a fetch response's records bytes into batches. v2 batches and v0/v1 message-set entries are both
 * returned (the latter with magic < 2: `rebuildReason` says 'old-format'). Reads only headers.
 */
export function splitBatches(buf: Buffer): SplitResult {
  const batches: RawBatch[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const left = buf.length - pos;
    if (left < LOG_OVERHEAD + 5) return truncated(batches, buf, pos);
    const size = LOG_OVERHEAD + buf.readInt32BE(pos + 8);
    const magic = buf[pos + OFFSET_MAGIC]!;
    const headerSize = magic === 2 ? 61 : magic === 1 ? 34 : 26;
    if (size < headerSize)
      throw new FerryError(
        'CORRUPT_BATCH',
        `record batch at byte ${pos} (offset ${buf.readBigInt64BE(pos)}) claims ${size} bytes, less than its ${headerSize}-byte header`,
      );
    if (size > left) return truncated(batches, buf, pos);
    const bytes = buf.subarray(pos, pos + size);
    batches.push({ header: readHeader(bytes, 0), bytes });
    pos += size;
  }
  return { batches, truncatedAt: null, truncatedPosition: null };
}

function truncated(batches: RawBatch[], buf: Buffer, pos: number): SplitResult {
  let at: bigint;
  if (buf.length - pos >= 8) at = buf.readBigInt64BE(pos);
  else {
    const last = batches[batches.length - 1];
    at = last ? last.header.baseOffset + BigInt(last.header.lastOffsetDelta) + 1n : -1n;
  }
  return { batches, truncatedAt: at, truncatedPosition: pos };
}
