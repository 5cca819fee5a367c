import { shouldReplicate, topicFilter } from '@ferry/core';
import type { Admin } from 'kafkajs';
import type { FlowConfig } from '../config/flow-config.ts';

/** The flow's source topics whose remote topic exists on the target. */
export async function replicatedTopicPairs(
  flow: FlowConfig,
  sourceAdmin: Admin,
  targetAdmin: Admin,
): Promise<Array<{ topic: string; remoteTopic: string }>> {
  const filter = topicFilter(flow.topics, flow.topicsExclude);
  const remote = new Set(await targetAdmin.listTopics());
  return (await sourceAdmin.listTopics())
    .filter((t) => shouldReplicate(filter, flow.policy, flow.target.alias, t))
    .map((topic) => ({ topic, remoteTopic: flow.policy.formatRemoteTopic(flow.source.alias, topic) }))
    .filter((p) => remote.has(p.remoteTopic))
    .sort((a, b) => a.topic.localeCompare(b.topic));
}

/** A client error in words, for per-topic reports (core's syncErrorWords). */
export { syncErrorWords as describeSyncError } from '@ferry/core';
