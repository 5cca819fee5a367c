import type { RawBatch } from './types.ts';

/** What a chunk of batches holds, from headers alone (issue #10 item 5: no record decoding). */
export interface BatchStats {
  batches: number;
  records: number;
  bytes: number;
  /** Smallest baseTimestamp / largest maxTimestamp seen; -1n when there were no batches. */
  minTimestamp: bigint;
  maxTimestamp: bigint;
  firstOffset: bigint;
  lastOffset: bigint;
}

export function batchStats(batches: readonly RawBatch[]): BatchStats {
  const s: BatchStats = {
    batches: batches.length,
    records: 0,
    bytes: 0,
    minTimestamp: -1n,
    maxTimestamp: -1n,
    firstOffset: -1n,
    lastOffset: -1n,
  };
  for (const b of batches) {
    const h = b.header;
    s.records += h.recordCount;
    s.bytes += b.bytes.length;
    if (h.baseTimestamp >= 0n && (s.minTimestamp < 0n || h.baseTimestamp < s.minTimestamp))
      s.minTimestamp = h.baseTimestamp;
    if (h.maxTimestamp > s.maxTimestamp) s.maxTimestamp = h.maxTimestamp;
    if (s.firstOffset < 0n) s.firstOffset = h.baseOffset;
    s.lastOffset = h.baseOffset + BigInt(h.lastOffsetDelta);
  }
  return s;
}
