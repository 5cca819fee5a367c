export { CheckpointTask, type SyncClients } from './checkpoint-task.ts';
export type { SyncEvent, SyncEventListener } from './events.ts';
export {
  DEFAULT_GROUPS_EXCLUDE,
  DEFAULT_GROUPS_INCLUDE,
  type GroupFilter,
  groupFilter,
} from './group-filter.ts';
export {
  activeMembers,
  commitGroupOffsets,
  type GroupOffsetWrite,
  type GroupSyncResult,
  syncGroupOffsets,
} from './group-sync.ts';
export { resolveSyncSettings, SYNC_KEYS, type SyncSettings } from './settings.ts';
export { FlowSyncRunner } from './sync-runner.ts';
export {
  type GroupPartitionTranslation,
  type GroupTranslateOptions,
  sourceGroupOffsets,
  translateGroupOffsets,
} from './translate-group.ts';
