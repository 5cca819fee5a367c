export {
  DEFAULT_TOPICS_EXCLUDE,
  defaultReplicationPolicy,
  describeGap,
  identityReplicationPolicy,
  isCycle,
  parseProperties,
  type ReplicationPolicy,
  replicationPolicyFromClass,
  shouldReplicate,
  splitList,
  type TopicFilter,
  topicFilter,
  upstreamChain,
} from '@ferry/core';
export { TopicAclSync } from './acl-sync/acl-sync.ts';
export { CheckpointTask, type SyncClients } from './checkpoints/checkpoint-task.ts';
export type { SyncEvent } from './checkpoints/events.ts';
export { resolveSyncSettings, SYNC_KEYS, type SyncSettings } from './checkpoints/settings.ts';
export { FlowSyncRunner } from './checkpoints/sync-runner.ts';
export type {
  ClusterConfig,
  FlowConfig,
  GapPolicy,
  SaslMechanism,
  SecurityProtocol,
  StartPosition,
} from './config/flow-config.ts';
export * from './config/mm2.ts';
export {
  CLUSTER_KEYS,
  type ConfigNotice,
  FLOW_KEYS,
  loadMm2PropertiesFile,
  type Mm2Config,
  type Mm2Options,
  NOT_YET_SUPPORTED,
  parseMm2Config,
} from './config/mm2-properties.ts';
export { TopicConfigSync } from './config-sync/topic-config-sync.ts';
export * from './connection-test/index.ts';
export { discoverFlow, type FlowDiscovery } from './discovery/discover-flow.ts';
export { ConfigError, type ErrorContext, FerryError } from './errors.ts';
export type { EngineEvent, EventListener, PartitionMetrics, WindowStats } from './events.ts';
export {
  createFlowRunner,
  type FlowRunner,
  type FlowRunnerOptions,
  type TaskGuard,
  type TaskGuardPhase,
  taskSuperseded,
} from './flow-runner.ts';
export { HeartbeatEmitter } from './heartbeats/heartbeat-emitter.ts';
export { type ClientTuning, kafkaFor } from './kafka/client.ts';
export { registerCodecs } from './kafka/codecs.ts';
export {
  DURABLE_POSITIONS_TOPIC,
  loadDurablePositions,
} from './positions/durable-positions.ts';
export { positionsGroup } from './positions/positions.ts';
export { assignPartitions, type TopicPartition } from './tasks/assign.ts';
export { fenceTasks } from './tasks/fence.ts';
export { transactionalIdFor } from './tasks/task-runner.ts';
export * from './translate/index.ts';
export {
  compareDigests,
  digestRecord,
  type FieldDifference,
  type RecordDigest,
} from './verify/compare.ts';
export type {
  DifferenceFieldName,
  FirstDifference,
  PartitionVerification,
  VerificationReport,
  VerificationTotals,
} from './verify/report.ts';
export { MAX_RECORDS_PER_PARTITION, type VerifyFlowOptions, verifyFlow } from './verify/verify-flow.ts';
export {
  type PartitionRangeVerification,
  type RangeDifference,
  type RangeVerificationReport,
  type VerifyRangeOptions,
  type VerifyRangeProgress,
  verifyFlowRange,
} from './verify/verify-range.ts';
