import { FerryError } from '../errors.ts';
import { BATCH_HEADER_SIZE, OFFSET_ATTRIBUTES, OFFSET_CRC } from './batch-header.ts';
import { crc32c } from './crc32c.ts';
import type { RawBatch } from './types.ts';
import { type Cursor, readVarint, readVarlong, varintSize, writeVarint } from './varint.ts';

/*
 * Coalescing (issue #10, 1,000 light partitions): a producer spread over many partitions writes small batches
 * (a few records each), and a produce request may carry only one batch per partition (v3+), so forwarding them
 * one to one costs one produce round — one append per partition on the broker — per source batch. Consecutive
 * small uncompressed batches of one partition are written as one batch instead: each record's bytes are copied
 * as they are (attributes, key, value, headers untouched) and only its two delta varints are re-encoded against
 * the new batch's base offset and base timestamp.
 *
 * Between two batches the source may have offsets the fetch does not hand over: a transaction's commit marker
 * (a control batch), an aborted transaction's batches (read_committed), batches compaction removed whole. The
 * coalesced batch's offsets are consecutive anyway (a target assigns them so), so such a batch maps to several
 * runs of source offsets, one per stretch between gaps (`sourceRuns`): the offset sync names each run and stays
 * exact. Without this, a transactional source's batches never joined (a marker follows every transaction's last
 * batch in each partition) and a write of one partition took one produce round per source batch.
 */

/** Runs of consecutive source offsets of `batches` (each contiguous, ascending), merged where they touch. */
export function sourceRuns(batches: readonly RawBatch[]): Array<{ start: bigint; length: number }> {
  const runs: Array<{ start: bigint; length: number }> = [];
  for (const b of batches) {
    const last = runs[runs.length - 1];
    if (last && last.start + BigInt(last.length) === b.header.baseOffset) last.length += b.header.recordCount;
    else runs.push({ start: b.header.baseOffset, length: b.header.recordCount });
  }
  return runs;
}

/** A fetched batch may join a coalesced batch: uncompressed v2 data, CreateTime, offsets 0..count-1 by header. */
export function coalescable(b: RawBatch): boolean {
  const h = b.header;
  return (
    h.magic === 2 &&
    h.compression === 'none' &&
    !h.isControl &&
    h.timestampType === 'create' &&
    h.recordCount === h.lastOffsetDelta + 1 &&
    h.recordCount > 0
  );
}

/** Upper bound of the bytes `coalesceBatches` needs for these batches (each record's deltas may grow). */
export function coalescedSizeBound(batches: readonly RawBatch[]): number {
  let n = BATCH_HEADER_SIZE;
  for (const b of batches) n += b.bytes.length - BATCH_HEADER_SIZE + 14 * b.header.recordCount;
  return n;
}

/**
 * One uncompressed CreateTime v2 batch with the records of `batches` (each `coalescable`, ascending; offsets
 * consecutive from one batch to the next unless `acrossGaps`), base offset that of the first, placeholder
 * producer fields (-1; the writer sets them), non-transactional, CRC computed. Record timestamps are the same
 * as in the sources, and so are their offsets where the batches are consecutive; across a gap the records
 * after it take the next offsets (`sourceRuns` says where each came from).
 */
export function coalesceBatches(batches: readonly RawBatch[], o: { acrossGaps?: boolean } = {}): Buffer {
  const first = batches[0];
  if (!first) throw new FerryError('EMPTY_BATCH', 'nothing to coalesce');
  const baseOffset = first.header.baseOffset;
  const baseTimestamp = first.header.baseTimestamp;
  // pass 1: where each record's unchanged part is, and its new deltas
  let count = 0;
  for (const b of batches) count += b.header.recordCount;
  const restStart = new Int32Array(count);
  const restLen = new Int32Array(count);
  const tsDeltas = new Float64Array(count);
  const offDeltas = new Int32Array(count);
  const from = new Int32Array(count);
  const attrs = new Uint8Array(count);
  let maxTimestamp = baseTimestamp;
  let size = 0;
  let i = 0;
  let expected = baseOffset;
  for (let bi = 0; bi < batches.length; bi++) {
    const b = batches[bi]!;
    const h = b.header;
    const inOrder = o.acrossGaps && bi > 0 ? h.baseOffset >= expected : h.baseOffset === expected;
    if (!coalescable(b) || !inOrder)
      throw new FerryError(
        'CORRUPT_BATCH',
        `the batch at offset ${h.baseOffset} cannot be coalesced after offset ${expected - 1n}`,
      );
    expected = h.baseOffset + BigInt(h.recordCount);
    const tsShift = Number(h.baseTimestamp - baseTimestamp);
    // the batch's first record goes at index i of the new batch (its source offset, when there was no gap)
    const offShift = i;
    const c: Cursor = { buf: b.bytes, pos: BATCH_HEADER_SIZE };
    for (let r = 0; r < h.recordCount; r++, i++) {
      const len = readVarint(c);
      const end = c.pos + len;
      if (len < 0 || end > b.bytes.length)
        throw new FerryError(
          'CORRUPT_BATCH',
          `record ${r} of the batch at offset ${h.baseOffset} runs past its end`,
        );
      attrs[i] = b.bytes[c.pos++]!; // record attributes (unused in v2): kept as they are
      const ts = readVarlong(c) + tsShift;
      const od = readVarint(c) + offShift;
      if (od !== i)
        throw new FerryError(
          'CORRUPT_BATCH',
          `the batch at offset ${h.baseOffset} has an offset gap at record ${r}`,
        );
      const t = baseTimestamp + BigInt(ts);
      if (t > maxTimestamp) maxTimestamp = t;
      restStart[i] = c.pos;
      restLen[i] = end - c.pos;
      tsDeltas[i] = ts;
      offDeltas[i] = od;
      from[i] = bi;
      const body = 1 + varintSize(ts) + varintSize(od) + (end - c.pos);
      size += varintSize(body) + body;
      c.pos = end;
    }
    if (c.pos !== b.bytes.length)
      throw new FerryError(
        'CORRUPT_BATCH',
        `the batch at offset ${h.baseOffset} has bytes after its last record`,
      );
  }
  // pass 2: header, then each record with its new deltas
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + size);
  out.writeBigInt64BE(baseOffset, 0);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt32BE(-1, 12);
  out[16] = 2;
  out.writeInt16BE(0, OFFSET_ATTRIBUTES); // none, CreateTime, not transactional, not control
  out.writeInt32BE(count - 1, 23);
  out.writeBigInt64BE(baseTimestamp, 27);
  out.writeBigInt64BE(maxTimestamp, 35);
  out.writeBigInt64BE(-1n, 43);
  out.writeInt16BE(-1, 51);
  out.writeInt32BE(-1, 53);
  out.writeInt32BE(count, 57);
  let pos = BATCH_HEADER_SIZE;
  for (let k = 0; k < count; k++) {
    const ts = tsDeltas[k]!;
    const od = offDeltas[k]!;
    const rl = restLen[k]!;
    pos = writeVarint(out, pos, 1 + varintSize(ts) + varintSize(od) + rl);
    out[pos++] = attrs[k]!;
    pos = writeVarint(out, pos, ts);
    pos = writeVarint(out, pos, od);
    const src = batches[from[k]!]!.bytes;
    src.copy(out, pos, restStart[k]!, restStart[k]! + rl);
    pos += rl;
  }
  out.writeUInt32BE(crc32c(out, OFFSET_ATTRIBUTES, out.length), OFFSET_CRC);
  return out;
}
