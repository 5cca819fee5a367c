/**
 * Remote topic naming, as MirrorMaker 2 does it.
 * DefaultReplicationPolicy: `<sourceAlias><separator><topic>`; IdentityReplicationPolicy: `<topic>`.
 */
export type ReplicationPolicyName = 'default' | 'identity';

export function remoteTopicName(
  policy: ReplicationPolicyName,
  sourceAlias: string,
  topic: string,
  separator = '.',
): string {
  return policy === 'identity' ? topic : `${sourceAlias}${separator}${topic}`;
}

/** The source alias a remote topic name carries under the default policy, or null. */
export function topicSource(policy: ReplicationPolicyName, topic: string, separator = '.'): string | null {
  if (policy === 'identity') return null;
  const i = topic.indexOf(separator);
  return i > 0 ? topic.slice(0, i) : null;
}

/** Whether `topic` is itself a replica of a topic from `alias` (MM2 refuses to replicate it back there). */
export function isReplicaOf(
  policy: ReplicationPolicyName,
  topic: string,
  alias: string,
  separator = '.',
): boolean {
  return topicSource(policy, topic, separator) === alias;
}

/** Heartbeat/checkpoint/offset-sync internals MM2 never replicates as plain topics. */
export function isInternalTopic(topic: string): boolean {
  return (
    topic.startsWith('__') ||
    topic.startsWith('.') ||
    topic.endsWith('.internal') ||
    topic.endsWith('-internal') ||
    topic.endsWith('.checkpoints.internal') ||
    topic === 'heartbeats' ||
    topic.startsWith('mm2-')
  );
}
