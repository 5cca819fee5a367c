/** The codecs Kafka defines, by the batch attribute's low three bits (0..4). */
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export const COMPRESSIONS: readonly Compression[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

export type TimestampType = 'create' | 'log-append';

/**
 * The header of one record batch (magic 2), or of one v0/v1 message-set entry (magic 0/1: the fields a message
 * has are filled, the rest are defaults: producerId -1, recordCount 1, lastOffsetDelta 0).
 */
export interface BatchHeader {
  baseOffset: bigint;
  /** Bytes after the length field: the whole batch is `12 + batchLength` bytes. */
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: Compression;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export interface RawBatch {
  header: BatchHeader;
  /** The whole batch, baseOffset..end (a view into the fetch response; not copied). */
  bytes: Buffer;
}

export interface WireRecord {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
  value: Buffer | null;
  /** In wire order; repeated keys stay repeated, a null value stays null. */
  headers: Array<[string, Buffer | null]>;
}

/** The producer fields a forwarder sets on a batch. */
export interface ProducerFields {
  /** Defaults to 0 (a producer always sends 0; the broker assigns offsets). */
  baseOffset?: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

/** Why a batch cannot be forwarded as bytes. */
export type RebuildReason = 'offset-gap' | 'too-large' | 'old-format' | 'log-append-time';
