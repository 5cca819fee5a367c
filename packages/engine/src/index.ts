export { createFlowRunner, type FlowRunner, type FlowRunnerOptions } from './flow-runner.ts';
export type { EngineEvent, EventListener, PartitionMetrics, WindowStats } from './events.ts';
export { FerryError, ConfigError, type ErrorContext } from './errors.ts';
export type { ClusterConfig, FlowConfig, SecurityProtocol, SaslMechanism, StartPosition } from './config/flow-config.ts';
export { parseProperties } from './config/properties.ts';
export { loadMm2PropertiesFile, parseMm2Config, FLOW_KEYS, CLUSTER_KEYS, NOT_YET_SUPPORTED, type Mm2Config, type ConfigNotice } from './config/mm2-properties.ts';
export {
  defaultReplicationPolicy,
  identityReplicationPolicy,
  replicationPolicyFromClass,
  isCycle,
  upstreamChain,
  type ReplicationPolicy,
} from './policy/replication-policy.ts';
export { topicFilter, DEFAULT_TOPICS_EXCLUDE, type TopicFilter } from './policy/topic-filter.ts';
export { assignPartitions, type TopicPartition } from './tasks/assign.ts';
export { transactionalIdFor } from './tasks/task-runner.ts';
export { positionsGroup } from './positions/positions.ts';
export { shouldReplicate } from './discovery/discovery.ts';
export { registerCodecs } from './kafka/codecs.ts';
