import { BATCH_HEADER_SIZE } from './batch-header.ts';
import type { RawBatch, RebuildReason } from './types.ts';
import { readVarint, readVarlong } from './varint.ts';

/*
 * When a fetched batch cannot go to the target as bytes (null: forward it):
 *   old-format       magic 0/1: a broker accepts only v2 from a v3+ Produce request.
 *   offset-gap       recordCount != lastOffsetDelta + 1. Compaction keeps a batch's base offset and last offset
 *                    delta and drops records between, and the broker rejects a produced v2 batch whose record
 *                    count does not match its offset range ("Inconsistent batch offset range"). Broker-written
 *                    batches only ever get gaps this way, so the header check is exact for them; `deep` also
 *                    walks an uncompressed batch's record offset deltas (0, 1, 2, ...) for hand-made input.
 *   log-append-time  the source stores the broker's append time (maxTimestamp) as every record's timestamp, but
 *                    the records carry the producer's create times; a producer cannot set LogAppendTime, so the
 *                    target would show the old create times. Rebuilt as CreateTime with the source's visible
 *                    timestamp — what a consumer of the source saw (and what MirrorMaker 2 writes).
 *   too-large        the batch is bigger than the target topic's max.message.bytes: rebuilt as several batches.
 * Control batches are not data: the fetcher drops them and the writer skips any it is given.
 */
export function rebuildReason(
  b: RawBatch,
  maxMessageBytes: number,
  opts: { deep?: boolean } = {},
): RebuildReason | null {
  const h = b.header;
  if (h.magic < 2) return 'old-format';
  if (h.recordCount !== h.lastOffsetDelta + 1) return 'offset-gap';
  if (opts.deep && h.compression === 'none' && !offsetDeltasContiguous(b)) return 'offset-gap';
  if (h.timestampType === 'log-append') return 'log-append-time';
  if (b.bytes.length > maxMessageBytes) return 'too-large';
  return null;
}

/** Whether an uncompressed v2 batch's records have offset deltas 0..count-1 (walks only each record's prefix). */
export function offsetDeltasContiguous(b: RawBatch): boolean {
  const c = { buf: b.bytes, pos: BATCH_HEADER_SIZE };
  for (let i = 0; i < b.header.recordCount; i++) {
    const len = readVarint(c);
    const next = c.pos + len;
    c.pos += 1; // attributes
    readVarlong(c); // timestamp delta
    if (readVarint(c) !== i) return false;
    c.pos = next;
  }
  return true;
}
