import type { FlowConfig } from './flow-config.ts';
import { policyFor, shouldReplicate } from './replication-policy.ts';
import { topicFilter } from './topic-filter.ts';

export interface PreviewRow {
  topic: string;
  remoteTopic: string;
}

/**
 * Which source topics a flow replicates and what they are called on the target: the same decision topic
 * discovery makes when the flow runs (`shouldReplicate`: internal topics and topics that already passed
 * through the target are left out, heartbeats are replicated along every hop).
 */
export function previewTopics(
  sourceTopics: readonly string[],
  config: Pick<FlowConfig, 'topics' | 'topicsExclude' | 'replicationPolicy' | 'separator'>,
  sourceAlias: string,
  targetAlias: string,
): PreviewRow[] {
  const filter = topicFilter(config.topics, config.topicsExclude);
  const policy = policyFor(config.replicationPolicy, config.separator);
  return [...sourceTopics]
    .sort()
    .filter((t) => shouldReplicate(filter, policy, targetAlias, t))
    .map((topic) => ({ topic, remoteTopic: policy.formatRemoteTopic(sourceAlias, topic) }));
}
