export { OffsetSyncEmitter, type ProduceAck, type ProducedChunk, type SyncMessages } from './emitter.ts';
export { ensureCompactedTopic } from './loader.ts';
export { Mm2OffsetSyncMirror } from './mm2-mirror.ts';
export { OffsetSyncStore } from './store.ts';
export * from './sync-record.ts';
export { loadOffsetSyncs, OffsetSyncTail } from './tail.ts';
export * from './translate.ts';
