export {
  type ConfigPropertyFilter,
  configPropertyFilter,
  configsToSync,
  DEFAULT_CONFIG_PROPERTIES_EXCLUDE,
  type TopicConfigEntry,
} from './config-filter.ts';
export { replicatedTopicPairs } from './replicated-topics.ts';
export { TopicConfigSync, type TopicConfigSyncResult } from './topic-config-sync.ts';
