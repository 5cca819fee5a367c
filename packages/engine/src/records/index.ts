// Record batches as values: parse headers, forward as bytes (rewrite producer fields + CRC), decode and rebuild
// only when the broker requires it. Shapes: /work/wt/DATAPATH-CONTRACT.md (records/). Additions to the contract:
// RebuildReason has 'log-append-time'; splitBatches also returns truncatedPosition; rewriteBatchInPlace.

export { BATCH_HEADER_SIZE, lastOffsetOf, readHeader } from './batch-header.ts';
export { type BuildOptions, buildBatch, recordSize } from './build.ts';
export { coalescable, coalesceBatches, coalescedSizeBound, sourceRuns } from './coalesce.ts';
export { crc32c, crc32cUpdate } from './crc32c.ts';
export { decodeRecords } from './decode.ts';
export { offsetDeltasContiguous, rebuildReason } from './rebuild-reason.ts';
export { rewriteBatch, rewriteBatchInPlace, rewriteInto } from './rewrite.ts';
export { type SplitResult, splitBatches } from './split.ts';
export { type BatchStats, batchStats } from './stats.ts';
export type {
  BatchHeader,
  Compression,
  ProducerFields,
  RawBatch,
  RebuildReason,
  TimestampType,
  WireRecord,
} from './types.ts';
export { COMPRESSIONS } from './types.ts';
