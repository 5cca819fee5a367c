import { FerryError } from '../errors.ts';
import {
  ATTR_LOG_APPEND_TIME,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  compressionId,
  OFFSET_ATTRIBUTES,
  OFFSET_CRC,
} from './batch-header.ts';
import { compress } from './compression.ts';
import { crc32c } from './crc32c.ts';
import type { Compression, ProducerFields, TimestampType, WireRecord } from './types.ts';
import { varintSize, writeVarint } from './varint.ts';

export interface BuildOptions extends ProducerFields {
  compression: Compression;
  /**
   * 'create' for everything the writer produces. 'log-append' sets the LogAppendTime bit and maxTimestamp =
   * `logAppendTime` (default: the largest record timestamp) — what a broker stores; used for fixtures. A producer
   * cannot set LogAppendTime: the writer rebuilds such source batches as CreateTime (see rebuild-reason.ts).
   */
  timestampType: TimestampType;
  logAppendTime?: bigint;
  /**
   * 'contiguous' (default): record i gets offset delta i (what a producer writes). 'from-records': deltas are
   * the records' offsets minus baseOffset (default: the first record's offset), lastOffsetDelta the last one's —
   * a compacted-style batch, for tests.
   */
  offsetDeltas?: 'contiguous' | 'from-records';
  partitionLeaderEpoch?: number;
}

/** Encoded size of one record (length prefix included) with the given deltas. */
export function recordSize(r: WireRecord, tsDelta: number, offsetDelta: number): number {
  const body = recordBodySize(r, tsDelta, offsetDelta);
  return varintSize(body) + body;
}

function recordBodySize(r: WireRecord, tsDelta: number, offsetDelta: number): number {
  let n = 1 + varintSize(tsDelta) + varintSize(offsetDelta);
  n += r.key ? varintSize(r.key.length) + r.key.length : 1;
  n += r.value ? varintSize(r.value.length) + r.value.length : 1;
  n += varintSize(r.headers.length);
  for (const [k, v] of r.headers) {
    const kl = Buffer.byteLength(k);
    n += varintSize(kl) + kl + (v ? varintSize(v.length) + v.length : 1);
  }
  return n;
}

/** Encodes records into one v2 batch (records section compressed with `compression`), CRC set. */
export function buildBatch(records: WireRecord[], o: BuildOptions): Buffer {
  if (records.length === 0) throw new FerryError('EMPTY_BATCH', 'a record batch needs at least one record');
  const fromRecords = o.offsetDeltas === 'from-records';
  const baseOffset = o.baseOffset ?? (fromRecords ? records[0]!.offset : 0n);
  const baseTimestamp = records[0]!.timestamp;
  let maxTimestamp = baseTimestamp;
  const deltas = new Array<number>(records.length);
  let size = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (r.timestamp > maxTimestamp) maxTimestamp = r.timestamp;
    const od = fromRecords ? Number(r.offset - baseOffset) : i;
    deltas[i] = od;
    size += recordSize(r, Number(r.timestamp - baseTimestamp), od);
  }
  const body = Buffer.allocUnsafe(size);
  let pos = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const tsDelta = Number(r.timestamp - baseTimestamp);
    pos = writeVarint(body, pos, recordBodySize(r, tsDelta, deltas[i]!));
    body[pos++] = 0;
    pos = writeVarint(body, pos, tsDelta);
    pos = writeVarint(body, pos, deltas[i]!);
    pos = writeBytes(body, pos, r.key);
    pos = writeBytes(body, pos, r.value);
    pos = writeVarint(body, pos, r.headers.length);
    for (const [k, v] of r.headers) {
      const kl = Buffer.byteLength(k);
      pos = writeVarint(body, pos, kl);
      pos += body.write(k, pos, 'utf8');
      pos = writeBytes(body, pos, v);
    }
  }
  const payload = compress(o.compression, body);
  const out = Buffer.allocUnsafe(BATCH_HEADER_SIZE + payload.length);
  let attributes = compressionId(o.compression);
  if (o.timestampType === 'log-append') attributes |= ATTR_LOG_APPEND_TIME;
  if (o.transactional) attributes |= ATTR_TRANSACTIONAL;
  out.writeBigInt64BE(baseOffset, 0);
  out.writeInt32BE(out.length - 12, 8);
  out.writeInt32BE(o.partitionLeaderEpoch ?? -1, 12);
  out[16] = 2;
  out.writeInt16BE(attributes, OFFSET_ATTRIBUTES);
  out.writeInt32BE(deltas[deltas.length - 1]!, 23);
  out.writeBigInt64BE(baseTimestamp, 27);
  out.writeBigInt64BE(
    o.timestampType === 'log-append' ? (o.logAppendTime ?? maxTimestamp) : maxTimestamp,
    35,
  );
  out.writeBigInt64BE(o.producerId, 43);
  out.writeInt16BE(o.producerEpoch, 51);
  out.writeInt32BE(o.baseSequence, 53);
  out.writeInt32BE(records.length, 57);
  payload.copy(out, BATCH_HEADER_SIZE);
  out.writeUInt32BE(crc32c(out, OFFSET_ATTRIBUTES, out.length), OFFSET_CRC);
  return out;
}

function writeBytes(buf: Buffer, pos: number, v: Buffer | null): number {
  if (!v) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, v.length);
  v.copy(buf, pos);
  return pos + v.length;
}
