import { ConfigError } from './ferry-error.ts';
import type { TopicFilter } from './topic-filter.ts';

/**
 * How remote topics are named on the target, and how a name is traced back to its source (MM2's
 * `ReplicationPolicy`). Pure functions: no I/O.
 */
export interface ReplicationPolicy {
  readonly kind: 'default' | 'identity';
  readonly separator: string;
  /** Name of `topic` from cluster `sourceAlias` on the target. */
  formatRemoteTopic(sourceAlias: string, topic: string): string;
  /** The cluster alias a remote topic came from, or undefined for a local topic. */
  topicSource(topic: string): string | undefined;
  /** The topic's name on the cluster it came from, or undefined for a local topic. */
  upstreamTopic(topic: string): string | undefined;
}

export const DEFAULT_SEPARATOR = '.';

const HEARTBEATS = 'heartbeats';

/** MM2's internal topic names that a policy treats as internal. */
export function isMm2InternalTopic(topic: string): boolean {
  return (
    (topic.startsWith('mm2') && topic.endsWith('.internal')) ||
    topic.endsWith('.checkpoints.internal') ||
    topic.startsWith('__') ||
    topic.startsWith('.') ||
    (topic.startsWith('ferry-') && topic.endsWith('.internal'))
  );
}

export function defaultReplicationPolicy(separator = DEFAULT_SEPARATOR): ReplicationPolicy {
  if (separator.length === 0)
    throw new ConfigError('replication.policy.separator', separator, 'must not be empty');
  return {
    kind: 'default',
    separator,
    formatRemoteTopic: (sourceAlias, topic) => `${sourceAlias}${separator}${topic}`,
    topicSource(topic) {
      const i = topic.indexOf(separator);
      return i <= 0 ? undefined : topic.slice(0, i);
    },
    upstreamTopic(topic) {
      const i = topic.indexOf(separator);
      return i <= 0 ? undefined : topic.slice(i + separator.length);
    },
  };
}

/**
 * Remote topics keep their names. Cycles cannot be detected from names, so the flow refuses active/active with
 * this policy; heartbeats are the one exception, named `<source>.heartbeats` as in MM2.
 */
export function identityReplicationPolicy(separator = DEFAULT_SEPARATOR): ReplicationPolicy {
  const dflt = defaultReplicationPolicy(separator);
  return {
    kind: 'identity',
    separator,
    formatRemoteTopic: (sourceAlias, topic) =>
      topic === HEARTBEATS ? dflt.formatRemoteTopic(sourceAlias, topic) : topic,
    topicSource: (topic) =>
      topic.endsWith(`${separator}${HEARTBEATS}`) ? dflt.topicSource(topic) : undefined,
    upstreamTopic: (topic) =>
      topic.endsWith(`${separator}${HEARTBEATS}`) ? dflt.upstreamTopic(topic) : topic,
  };
}

const POLICY_CLASSES: Record<string, 'default' | 'identity'> = {
  'org.apache.kafka.connect.mirror.DefaultReplicationPolicy': 'default',
  'org.apache.kafka.connect.mirror.IdentityReplicationPolicy': 'identity',
  DefaultReplicationPolicy: 'default',
  IdentityReplicationPolicy: 'identity',
  default: 'default',
  identity: 'identity',
};

/** A policy from MM2's `replication.policy.class` (MM2 class names or `default` / `identity`). */
export function replicationPolicyFromClass(
  className: string,
  separator = DEFAULT_SEPARATOR,
): ReplicationPolicy {
  const kind = POLICY_CLASSES[className.trim()];
  if (!kind) {
    throw new ConfigError(
      'replication.policy.class',
      className,
      `unknown policy; supported: ${Object.keys(POLICY_CLASSES)
        .filter((k) => k.includes('.'))
        .join(', ')}`,
    );
  }
  return kind === 'default' ? defaultReplicationPolicy(separator) : identityReplicationPolicy(separator);
}

/** Every cluster a topic has passed through, nearest first (MM2's `replicationHops` chain). */
export function upstreamChain(policy: ReplicationPolicy, topic: string): string[] {
  const chain: string[] = [];
  let t: string | undefined = topic;
  for (let i = 0; t !== undefined && i < 32; i++) {
    const src = policy.topicSource(t);
    if (src === undefined) break;
    chain.push(src);
    const up = policy.upstreamTopic(t);
    if (up === undefined || up === t) break;
    t = up;
  }
  return chain;
}

/**
 * Whether a source topic must not be replicated to `targetAlias` because it would loop (MM2's
 * `MirrorSourceConnector.isCycle`): a topic that already passed through the target is never sent back.
 * Heartbeats are replicated along every hop except back to a cluster they already passed.
 */
export function isCycle(policy: ReplicationPolicy, topic: string, targetAlias: string): boolean {
  return upstreamChain(policy, topic).includes(targetAlias);
}

/** Whether `topic` is a heartbeats topic, here or replicated along any number of hops. */
export function isHeartbeatsTopic(policy: ReplicationPolicy, topic: string): boolean {
  let t = topic;
  for (let i = 0; i < 32; i++) {
    const up = policy.upstreamTopic(t);
    if (up === undefined || up === t) break;
    t = up;
  }
  return t === HEARTBEATS;
}

/**
 * Whether a source topic belongs to a flow into `targetAlias` (MM2's `shouldReplicateTopic`): never an internal
 * topic, never one that already passed through the target, heartbeats always, the rest by the filter.
 * Discovery (what runs) and the control plane's preview both decide with this one function.
 */
export function shouldReplicate(
  filter: TopicFilter,
  policy: ReplicationPolicy,
  targetAlias: string,
  topic: string,
): boolean {
  if (isMm2InternalTopic(topic)) return false;
  if (isCycle(policy, topic, targetAlias)) return false;
  return filter.shouldReplicate(topic) || isHeartbeatsTopic(policy, topic);
}

/** The policy a stored flow names (`replicationPolicy` + `separator` of its config). */
export function policyFor(kind: 'default' | 'identity', separator = DEFAULT_SEPARATOR): ReplicationPolicy {
  return kind === 'identity' ? identityReplicationPolicy(separator) : defaultReplicationPolicy(separator);
}
