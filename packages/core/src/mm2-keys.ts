import { DEFAULT_TOPICS_EXCLUDE } from './topic-filter.ts';

/**
 * The one MM2 key table: every `mm2.properties` key Ferry reads, with its default. `ferry run`, the control
 * plane's import/export and the stored flow's defaults all come from here. A default that differs from MM2's
 * is listed in `FERRY_DEFAULTS` and announced at start-up when the file leaves the key unset.
 */

/** MM2's `DefaultGroupFilter` defaults. */
export const DEFAULT_GROUPS_INCLUDE = ['.*'];
export const DEFAULT_GROUPS_EXCLUDE = ['console-consumer-.*', 'connect-.*', '__.*'];

/** MM2's `DefaultConfigPropertyFilter` default `config.properties.exclude` (full-match regexes). */
export const DEFAULT_CONFIG_PROPERTIES_EXCLUDE = [
  'follower\\.replication\\.throttled\\.replicas',
  'leader\\.replication\\.throttled\\.replicas',
  'message\\.timestamp\\.difference\\.max\\.ms',
  'message\\.timestamp\\.type',
  'unclean\\.leader\\.election\\.enable',
  'min\\.insync\\.replicas',
];

export const DEFAULT_POLICY_CLASS = 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy';
export const IDENTITY_POLICY_CLASS = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy';

/** Data-path keys of a flow: resolved as `A->B.<key>`, else `<key>`, else the default. */
export const FLOW_KEYS = {
  enabled: 'false',
  topics: '.*',
  'topics.exclude': DEFAULT_TOPICS_EXCLUDE.join(','),
  'replication.policy.class': DEFAULT_POLICY_CLASS,
  'replication.policy.separator': '.',
  'refresh.topics.enabled': 'true',
  'refresh.topics.interval.seconds': '600',
  'tasks.max': '1',
  /** Ferry: -1 (the target's default). MM2: 2. */
  'replication.factor': '-1',
  /** Ferry. MM2's `exactly.once.source.support` (default `disabled`) is read when this key is unset. */
  'exactly.once': 'true',
  /** Ferry. MM2's `consumer.auto.offset.reset` forms (default `earliest`) are read when this key is unset. */
  'start.position': 'earliest',
  'fetch.max.bytes.per.partition': '1048576',
  /**
   * Ferry. While records are flowing, how long a fetch waits on the source's broker for more (up to 1 MiB)
   * before it returns: a trickle of small batches comes back in one response instead of one request each
   * (0: every fetch returns at the first byte).
   */
  'fetch.linger.ms': '50',
  'batch.max.bytes': '4194304',
  'commit.interval.ms': '100',
  /**
   * Ferry. How long records that find a task idle wait for more before their transaction starts (the commit
   * cadence: records that arrive during a transaction start the next one when it ends).
   */
  'commit.linger.ms': '5',
  /** Ferry. The least time between the starts of two transactions of a task (0: none). */
  'commit.min.interval.ms': '0',
  /**
   * Ferry. What a partition does when the source deleted records it had not replicated yet (retention,
   * DeleteRecords, the topic deleted and re-created): `continue` (resume at the log start; the gap is reported)
   * or `halt` (the partition stops at its position with an error).
   */
  'gap.policy': 'continue',
  /**
   * Ferry. Which transaction protocol an exactly-once task writes with: `auto` (V2, KIP-890 part 2, where the
   * target offers it — Kafka 4.1+ with `transaction.version` 2 finalized — else V1) or `1` (V1 always: an escape
   * hatch for a target whose V2 misbehaves, and the baseline of benchmarks).
   */
  'transaction.version': 'auto',
} as const;

/** Checkpoints, group offset sync, heartbeats, topic-config and ACL sync: same precedence as `FLOW_KEYS`. */
export const SYNC_KEYS = {
  groups: DEFAULT_GROUPS_INCLUDE.join(','),
  'groups.exclude': DEFAULT_GROUPS_EXCLUDE.join(','),
  'refresh.groups.enabled': 'true',
  'refresh.groups.interval.seconds': '600',
  'emit.checkpoints.enabled': 'true',
  'emit.checkpoints.interval.seconds': '60',
  /** Ferry: -1. MM2: 3. */
  'checkpoints.topic.replication.factor': '-1',
  'sync.group.offsets.enabled': 'false',
  'sync.group.offsets.interval.seconds': '60',
  'emit.heartbeats.enabled': 'true',
  'emit.heartbeats.interval.seconds': '1',
  /** Ferry: -1. MM2: 3. */
  'heartbeats.topic.replication.factor': '-1',
  'sync.topic.configs.enabled': 'true',
  'sync.topic.configs.interval.seconds': '600',
  'config.properties.exclude': DEFAULT_CONFIG_PROPERTIES_EXCLUDE.join(','),
  'sync.topic.acls.enabled': 'true',
  'sync.topic.acls.interval.seconds': '600',
  /** Ferry: target. MM2: source. */
  'offset-syncs.topic.location': 'target',
  /** Ferry: -1. MM2: 3. */
  'offset-syncs.topic.replication.factor': '-1',
  'emit.offset-syncs.enabled': 'true',
} as const;

export type FlowKey = keyof typeof FLOW_KEYS;
export type SyncKey = keyof typeof SYNC_KEYS;

/** Cluster-level keys: resolved as `<alias>.<key>`, else `<key>`. */
export const CLUSTER_KEYS = [
  'bootstrap.servers',
  'security.protocol',
  'sasl.mechanism',
  'sasl.jaas.config',
  'sasl.oauthbearer.token.endpoint.url',
  'sasl.login.callback.handler.class',
  'ssl.truststore.type',
  'ssl.truststore.certificates',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.keystore.type',
  'ssl.keystore.certificate.chain',
  'ssl.keystore.key',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.key.password',
  'ssl.endpoint.identification.algorithm',
] as const;

/** MM2's own default for each cluster key Ferry gives a meaning to (`security.protocol`, stores, SASL). */
export const CLUSTER_DEFAULTS = {
  'security.protocol': 'PLAINTEXT',
  /** Kafka's default; Ferry refuses it (no Kerberos) and says so. */
  'sasl.mechanism': 'GSSAPI',
  'ssl.truststore.type': 'JKS',
  'ssl.keystore.type': 'JKS',
  'ssl.endpoint.identification.algorithm': 'https',
} as const;

/** MM2 keys Ferry knows but does not implement: reported at start-up (and by the import), then ignored. */
export const NOT_YET_SUPPORTED = [
  'topics.exclude.legacy',
  'offset.lag.max',
  'topic.filter.class',
  'group.filter.class',
  'config.property.filter.class',
  'dedicated.mode.enable.internal.rest',
  'replication.policy.internal.topic.separator.enabled',
];

/** Keys read in place of a Ferry key when that key is unset (the MM2 way of saying the same thing). */
export const MM2_EQUIVALENTS = {
  'exactly.once': ['exactly.once.source.support'],
  'start.position': ['source.consumer.auto.offset.reset', 'consumer.auto.offset.reset'],
} as const;

/** The same for sync keys: MM2's README writes `A->B.emit.heartbeats = false`. */
export const SYNC_EQUIVALENTS = {
  'emit.heartbeats.enabled': ['emit.heartbeats'],
  'emit.checkpoints.enabled': ['emit.checkpoints'],
} as const;

/** Per-client override prefixes MM2 passes to its consumers, producers and admin clients. */
export const CLIENT_PREFIXES = [
  'consumer.',
  'producer.',
  'admin.',
  'source.cluster.',
  'target.cluster.',
  'source.consumer.',
  'source.producer.',
  'source.admin.',
  'target.consumer.',
  'target.producer.',
  'target.admin.',
];

/** A default where Ferry deliberately differs from MM2. */
export interface FerryDefault {
  key: FlowKey | SyncKey;
  mm2: string;
  ferry: string;
  why: string;
}

/** Every default that differs from MM2's; `ferry run` prints each one the file leaves unset. */
export const FERRY_DEFAULTS: FerryDefault[] = [
  {
    key: 'replication.factor',
    mm2: '2',
    ferry: FLOW_KEYS['replication.factor'],
    why: "the target's default.replication.factor (capped at its broker count), so single-broker clusters work",
  },
  {
    key: 'exactly.once',
    mm2: 'exactly.once.source.support=disabled (at least once)',
    ferry: FLOW_KEYS['exactly.once'],
    why: 'records and positions commit in one Kafka transaction',
  },
  {
    key: 'offset-syncs.topic.location',
    mm2: 'source',
    ferry: SYNC_KEYS['offset-syncs.topic.location'],
    why: 'exact offset syncs are written on the target, in the data transaction; nothing is written to the source',
  },
  {
    key: 'offset-syncs.topic.replication.factor',
    mm2: '3',
    ferry: SYNC_KEYS['offset-syncs.topic.replication.factor'],
    why: "the target's default.replication.factor",
  },
  {
    key: 'checkpoints.topic.replication.factor',
    mm2: '3',
    ferry: SYNC_KEYS['checkpoints.topic.replication.factor'],
    why: "the target's default.replication.factor",
  },
  {
    key: 'heartbeats.topic.replication.factor',
    mm2: '3',
    ferry: SYNC_KEYS['heartbeats.topic.replication.factor'],
    why: "the target's default.replication.factor",
  },
];
