import type { FlowConfig } from './flow-config.ts';
import { makeFilter } from './patterns.ts';
import { isInternalTopic, isReplicaOf, remoteTopicName } from './replication-policy.ts';

export interface PreviewRow {
  topic: string;
  remoteTopic: string;
}

/**
 * Which source topics a flow replicates and what they are called on the target. Internal topics and
 * topics that are themselves replicas from the target (cycle prevention) are left out, as MM2 does.
 */
export function previewTopics(
  sourceTopics: readonly string[],
  config: Pick<FlowConfig, 'topics' | 'topicsExclude' | 'replicationPolicy' | 'separator'>,
  sourceAlias: string,
  targetAlias: string,
): PreviewRow[] {
  const accept = makeFilter(config.topics, config.topicsExclude);
  return [...sourceTopics]
    .sort()
    .filter(
      (t) =>
        !isInternalTopic(t) &&
        accept(t) &&
        !isReplicaOf(config.replicationPolicy, t, targetAlias, config.separator),
    )
    .map((topic) => ({
      topic,
      remoteTopic: remoteTopicName(config.replicationPolicy, sourceAlias, topic, config.separator),
    }));
}
