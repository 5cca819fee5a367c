export { CheckpointTask, type SyncClients } from './checkpoint-task.ts';
export { groupFilter, DEFAULT_GROUPS_EXCLUDE, DEFAULT_GROUPS_INCLUDE, type GroupFilter } from './group-filter.ts';
export { syncGroupOffsets, activeMembers, type GroupOffsetWrite, type GroupSyncResult } from './group-sync.ts';
export { resolveSyncSettings, SYNC_KEYS, type SyncSettings } from './settings.ts';
export { translateGroupOffsets, sourceGroupOffsets, type GroupPartitionTranslation, type GroupTranslateOptions } from './translate-group.ts';
export type { SyncEvent, SyncEventListener } from './events.ts';
