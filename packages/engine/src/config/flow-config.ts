import type { ReplicationPolicy } from '@ferry/core';

export type SecurityProtocol = 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER';

/** OAUTHBEARER's client-credentials grant: where tokens come from and who asks (MM2's OAuthBearerLoginModule). */
export interface OAuthClientCredentials {
  tokenEndpointUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

/** SASL of a cluster: a username and password (PLAIN, SCRAM), or a client that gets OAuth tokens. */
export type SaslConfig =
  | { mechanism: Exclude<SaslMechanism, 'OAUTHBEARER'>; username: string; password: string }
  | { mechanism: 'OAUTHBEARER'; oauth: OAuthClientCredentials };

/** How to reach one cluster. */
export interface ClusterConfig {
  alias: string;
  bootstrapServers: string[];
  securityProtocol: SecurityProtocol;
  sasl?: SaslConfig;
  /** PEM material; `verifyHostname` false when `ssl.endpoint.identification.algorithm` is empty. */
  ssl?: { ca?: string; cert?: string; key?: string; keyPassword?: string; verifyHostname: boolean };
}

export type StartPosition = 'earliest' | 'latest';

/**
 * What a partition does at a gap (source records deleted before they were replicated): `continue` resumes at the
 * source's log start (the gap is reported), `halt` stops the partition at its position with an error.
 */
export type GapPolicy = 'continue' | 'halt';

/** One replication flow `source->target`, fully resolved (overrides applied, values validated). */
export interface FlowConfig {
  /** `<source>-><target>` */
  id: string;
  /**
   * Set when several flows join the same two clusters (the control plane passes the flow's id): it goes into
   * the transactional ids and the positions group, so such flows never fence or overwrite each other.
   */
  instance?: string;
  source: ClusterConfig;
  target: ClusterConfig;
  topics: string[];
  topicsExclude: string[];
  policy: ReplicationPolicy;
  refreshTopicsEnabled: boolean;
  refreshTopicsIntervalMs: number;
  tasksMax: number;
  /**
   * Source topic → partition count that the tasks split between them (a managed flow's generation pins what
   * discovery found, so every task of the generation splits the same set). Partitions beyond these wait for
   * the next generation; a pinned topic that no longer exists is dropped. Unset: whatever discovery finds now.
   */
  pinnedTopics?: Record<string, number>;
  /** -1: the target's `default.replication.factor`. */
  replicationFactor: number;
  exactlyOnce: boolean;
  startPosition: StartPosition;
  /** Default `continue`. */
  gapPolicy?: GapPolicy;
  /** Largest fetch per partition and per request, bytes. */
  fetchMaxBytesPerPartition: number;
  /** A transaction is started when this many bytes are buffered. */
  batchMaxBytes: number;
  /** The longest a buffered record waits for its transaction to start (and how often positions alone are committed). */
  commitIntervalMs: number;
  /**
   * How long records that find the task idle (no transaction in flight) wait for more before their transaction
   * starts; records that arrive during a transaction start the next one as soon as it ends (tasks/commit-cadence.ts).
   */
  commitLingerMs: number;
  /** The least time between the starts of two transactions of a task (0: none); bounds its transactions per second. */
  commitMinIntervalMs: number;
  /**
   * While records are flowing, how long a fetch waits on the source for more before it returns (datapath/
   * assigned-fetch.ts, fetchWait; 0: at the first byte). Default 50 (`fetch.linger.ms`).
   */
  fetchLingerMs?: number;
  /** Exactly once: the transaction protocol (`auto`: V2 where the target offers it, else V1). Default `auto`. */
  transactionVersion?: 'auto' | 1;
}

export function flowId(source: string, target: string): string {
  return `${source}->${target}`;
}
