import { FerryError } from '../errors.ts';
import { type BatchHeader, COMPRESSIONS, type Compression } from './types.ts';

/*
 * Record batch, magic 2 (all integers big-endian; byte positions from the batch start):
 *    0 baseOffset int64 | 8 batchLength int32 | 12 partitionLeaderEpoch int32 | 16 magic int8 | 17 crc uint32
 *   21 attributes int16 | 23 lastOffsetDelta int32 | 27 baseTimestamp int64 | 35 maxTimestamp int64
 *   43 producerId int64 | 51 producerEpoch int16 | 53 baseSequence int32 | 57 recordCount int32 | 61 records...
 * The CRC-32C covers bytes 21..end (attributes to the last record). partitionLeaderEpoch and baseOffset are
 * outside it: the broker rewrites them. attributes: bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4,
 * 4 zstd), bit 3 timestamp type (1 = LogAppendTime), bit 4 transactional, bit 5 control, bit 6 delete horizon.
 *
 * Message set entry, magic 0/1 (the legacy formats; byte 16 is the magic in all three, which is how they are told
 * apart): 0 offset int64 | 8 messageSize int32 | 12 crc uint32 (CRC-32, bytes 16..end) | 16 magic int8 |
 *   17 attributes int8 (bits 0-2 compression, bit 3 timestamp type in v1) | 18 timestamp int64 (v1 only) |
 *   key bytes (int32 length, -1 null) | value bytes. A compressed entry wraps an inner message set in its value.
 */

export const BATCH_HEADER_SIZE = 61;
/** Bytes before the first field that batchLength counts (baseOffset + batchLength). */
export const LOG_OVERHEAD = 12;
/** Smallest v0 message (offset, size, crc, magic, attributes, key length, value length). */
export const MIN_LEGACY_SIZE = 26;

export const OFFSET_BASE_OFFSET = 0;
export const OFFSET_PARTITION_LEADER_EPOCH = 12;
export const OFFSET_MAGIC = 16;
export const OFFSET_CRC = 17;
export const OFFSET_ATTRIBUTES = 21;
export const OFFSET_LAST_OFFSET_DELTA = 23;
export const OFFSET_BASE_TIMESTAMP = 27;
export const OFFSET_MAX_TIMESTAMP = 35;
export const OFFSET_PRODUCER_ID = 43;
export const OFFSET_PRODUCER_EPOCH = 51;
export const OFFSET_BASE_SEQUENCE = 53;
export const OFFSET_RECORD_COUNT = 57;

export const ATTR_COMPRESSION_MASK = 0x07;
export const ATTR_LOG_APPEND_TIME = 0x08;
export const ATTR_TRANSACTIONAL = 0x10;
export const ATTR_CONTROL = 0x20;
/** Set by the log cleaner (KIP-534): baseTimestamp is also the tombstones' delete horizon on that log. */
export const ATTR_DELETE_HORIZON = 0x40;

export function compressionOf(attributes: number): Compression {
  const c = COMPRESSIONS[attributes & ATTR_COMPRESSION_MASK];
  if (!c)
    throw new FerryError('CORRUPT_BATCH', `unknown compression codec ${attributes & ATTR_COMPRESSION_MASK}`);
  return c;
}

export function compressionId(c: Compression): number {
  return COMPRESSIONS.indexOf(c);
}

/** Reads the v2 header at `pos` (the caller checked that 61 bytes are there and byte 16 is 2). */
export function readV2Header(buf: Buffer, pos = 0): BatchHeader {
  const attributes = buf.readInt16BE(pos + OFFSET_ATTRIBUTES);
  return {
    baseOffset: buf.readBigInt64BE(pos),
    batchLength: buf.readInt32BE(pos + 8),
    partitionLeaderEpoch: buf.readInt32BE(pos + OFFSET_PARTITION_LEADER_EPOCH),
    magic: 2,
    crc: buf.readUInt32BE(pos + OFFSET_CRC),
    attributes,
    compression: compressionOf(attributes),
    timestampType: attributes & ATTR_LOG_APPEND_TIME ? 'log-append' : 'create',
    isTransactional: (attributes & ATTR_TRANSACTIONAL) !== 0,
    isControl: (attributes & ATTR_CONTROL) !== 0,
    lastOffsetDelta: buf.readInt32BE(pos + OFFSET_LAST_OFFSET_DELTA),
    baseTimestamp: buf.readBigInt64BE(pos + OFFSET_BASE_TIMESTAMP),
    maxTimestamp: buf.readBigInt64BE(pos + OFFSET_MAX_TIMESTAMP),
    producerId: buf.readBigInt64BE(pos + OFFSET_PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + OFFSET_PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + OFFSET_BASE_SEQUENCE),
    recordCount: buf.readInt32BE(pos + OFFSET_RECORD_COUNT),
  };
}

/** Reads a v0/v1 message-set entry's header at `pos` (the caller checked the magic byte is 0 or 1). */
export function readLegacyHeader(buf: Buffer, pos = 0): BatchHeader {
  const magic = buf[pos + OFFSET_MAGIC]!;
  const attributes = buf[pos + 17]!;
  const timestamp = magic >= 1 ? buf.readBigInt64BE(pos + 18) : -1n;
  return {
    baseOffset: buf.readBigInt64BE(pos),
    batchLength: buf.readInt32BE(pos + 8),
    partitionLeaderEpoch: -1,
    magic,
    crc: buf.readUInt32BE(pos + 12),
    attributes,
    compression: compressionOf(attributes),
    timestampType: magic >= 1 && attributes & ATTR_LOG_APPEND_TIME ? 'log-append' : 'create',
    isTransactional: false,
    isControl: false,
    lastOffsetDelta: 0,
    baseTimestamp: timestamp,
    maxTimestamp: timestamp,
    producerId: -1n,
    producerEpoch: -1,
    baseSequence: -1,
    recordCount: 1,
  };
}

/** The header of the batch (or legacy message) at `pos`; throws CORRUPT_BATCH on an unknown magic. */
export function readHeader(buf: Buffer, pos = 0): BatchHeader {
  const magic = buf[pos + OFFSET_MAGIC]!;
  if (magic === 2) return readV2Header(buf, pos);
  if (magic === 0 || magic === 1) return readLegacyHeader(buf, pos);
  throw new FerryError('CORRUPT_BATCH', `unknown record batch magic ${magic} at byte ${pos}`);
}

/** The last offset a batch covers (v2: baseOffset + lastOffsetDelta; a legacy entry: its own offset). */
export function lastOffsetOf(h: BatchHeader): bigint {
  return h.baseOffset + BigInt(h.lastOffsetDelta);
}
