import { FerryError } from '../errors.ts';
import {
  ATTR_DELETE_HORIZON,
  ATTR_TRANSACTIONAL,
  OFFSET_ATTRIBUTES,
  OFFSET_BASE_SEQUENCE,
  OFFSET_CRC,
  OFFSET_PARTITION_LEADER_EPOCH,
  OFFSET_PRODUCER_EPOCH,
  OFFSET_PRODUCER_ID,
} from './batch-header.ts';
import { crc32cPatch } from './crc32c.ts';
import type { ProducerFields, RawBatch } from './types.ts';

/**
 * Sets the producer's fields on a v2 batch in `buf` (which holds exactly one batch): base offset, partition leader
 * epoch -1 (the broker sets it), producer id, epoch, base sequence, the transactional bit; clears the delete-horizon
 * bit (the source log cleaner's state, not data: record timestamps stay baseTimestamp + delta either way, and the
 * target's cleaner sets its own); patches the CRC-32C (attributes..end) for the changed header bytes. Records, compression, timestamps
 * and the record count are not touched.
 */
/** Bytes of the CRC region the rewrite may change: attributes (21) through base sequence (53 + 4). */
const PATCHED = OFFSET_BASE_SEQUENCE + 4 - OFFSET_ATTRIBUTES;
const before = Buffer.alloc(PATCHED);

export function rewriteInto(buf: Buffer, p: ProducerFields): Buffer {
  // The CRC is patched for the changed header bytes, not recomputed over the records: a forwarded batch is not
  // read past its header (and one that arrived corrupt still fails the target's CRC check).
  buf.copy(before, 0, OFFSET_ATTRIBUTES, OFFSET_ATTRIBUTES + PATCHED);
  const crc = buf.readUInt32BE(OFFSET_CRC);
  buf.writeBigInt64BE(p.baseOffset ?? 0n, 0);
  buf.writeInt32BE(-1, OFFSET_PARTITION_LEADER_EPOCH);
  const attributes = buf.readInt16BE(OFFSET_ATTRIBUTES);
  buf.writeInt16BE(
    (attributes & ~(ATTR_TRANSACTIONAL | ATTR_DELETE_HORIZON)) | (p.transactional ? ATTR_TRANSACTIONAL : 0),
    OFFSET_ATTRIBUTES,
  );
  buf.writeBigInt64BE(p.producerId, OFFSET_PRODUCER_ID);
  buf.writeInt16BE(p.producerEpoch, OFFSET_PRODUCER_EPOCH);
  buf.writeInt32BE(p.baseSequence, OFFSET_BASE_SEQUENCE);
  buf.writeUInt32BE(
    crc32cPatch(
      crc,
      before,
      buf.subarray(OFFSET_ATTRIBUTES, OFFSET_ATTRIBUTES + PATCHED),
      buf.length - OFFSET_ATTRIBUTES,
    ),
    OFFSET_CRC,
  );
  return buf;
}

/**
 * A copy of a fetched v2 batch ready to produce as this producer: one allocation, one copy, one CRC pass, no
 * per-record work (compressed batches stay compressed). Refuses legacy and control batches (see rebuildReason).
 */
export function rewriteBatch(b: RawBatch, p: ProducerFields): Buffer {
  if (b.header.magic !== 2)
    throw new FerryError(
      'REBUILD_REQUIRED',
      `a magic ${b.header.magic} message cannot be forwarded as bytes`,
    );
  if (b.header.isControl) throw new FerryError('CONTROL_BATCH', 'control batches are not forwarded');
  const out = Buffer.allocUnsafe(b.bytes.length);
  b.bytes.copy(out);
  return rewriteInto(out, p);
}

/** Same as rewriteBatch but in the fetched buffer itself (no copy); the batch's bytes change. */
export function rewriteBatchInPlace(b: RawBatch, p: ProducerFields): Buffer {
  if (b.header.magic !== 2)
    throw new FerryError(
      'REBUILD_REQUIRED',
      `a magic ${b.header.magic} message cannot be forwarded as bytes`,
    );
  if (b.header.isControl) throw new FerryError('CONTROL_BATCH', 'control batches are not forwarded');
  return rewriteInto(b.bytes, p);
}
