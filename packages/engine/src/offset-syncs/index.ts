export * from './sync-record.ts';
export * from './translate.ts';
export { OffsetSyncStore } from './store.ts';
export { OffsetSyncEmitter, type ProducedChunk, type ProduceAck, type SyncMessages } from './emitter.ts';
export { ensureCompactedTopic } from './loader.ts';
export { OffsetSyncTail, loadOffsetSyncs } from './tail.ts';
