import { type Coordinator, findCoordinatorApi, KEY_TYPE } from './apis/find-coordinator.ts';
import { type MetadataResponse, metadataApi } from './apis/metadata.ts';
import { parseHostPort, type WireClusterConfig } from './config.ts';
import { Connection } from './connection.ts';
import { ErrorCode, KafkaError } from './errors.ts';

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}
export interface PartitionInfo {
  partition: number;
  errorCode: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}
export interface TopicInfo {
  name: string;
  /** all zeros before Metadata v10 */
  topicId: string;
  errorCode: number;
  isInternal: boolean;
  partitions: PartitionInfo[];
}
export interface ClusterMetadata {
  clusterId: string | null;
  controllerId: number;
  brokers: Map<number, BrokerInfo>;
  /** requested topics (all topics when none were named), including ones answered with an error */
  topics: Map<string, TopicInfo>;
}

export type CoordinatorType = 'group' | 'transaction';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A cluster over Ferry's wire layer: bootstrap, a metadata cache, one connection per broker (re-opened when a
 * broker restarts), leaders and coordinators by lookup. Nothing here retries a failed request for the caller
 * except coordinator lookups while the coordinator loads; callers branch on `KafkaError.retriable`.
 */
export class WireCluster {
  readonly config: WireClusterConfig;
  private readonly brokers = new Map<number, BrokerInfo>();
  private readonly topics = new Map<string, TopicInfo>();
  private clusterId: string | null = null;
  private controllerId = -1;
  private readonly conns = new Map<number, Promise<Connection>>();
  private bootstrapConn: Promise<Connection> | undefined;
  private bootstrapIndex = 0;
  private readonly coordinators = new Map<string, BrokerInfo>();
  private readonly inflightMetadata = new Map<string, Promise<ClusterMetadata>>();
  private closed = false;

  constructor(cfg: WireClusterConfig) {
    if (!cfg.bootstrap.length) throw new TypeError('a cluster needs at least one bootstrap address');
    for (const b of cfg.bootstrap) parseHostPort(b);
    this.config = cfg;
  }

  /** Topic metadata, cached per topic; `refresh` asks a broker. No topics = every topic (always asked). */
  async metadata(topics?: string[], opts: { refresh?: boolean } = {}): Promise<ClusterMetadata> {
    this.assertOpen();
    if (topics && !opts.refresh && topics.every((t) => this.topics.has(t))) return this.snapshot(topics);
    const key = topics ? [...topics].sort().join('\u0000') : '\u0001all';
    const running = this.inflightMetadata.get(key);
    if (running) return running;
    const p = this.fetchMetadata(topics).finally(() => this.inflightMetadata.delete(key));
    this.inflightMetadata.set(key, p);
    return p;
  }

  private async fetchMetadata(topics: string[] | undefined): Promise<ClusterMetadata> {
    const conn = await this.anyConnection();
    const res = await conn.send(metadataApi, {
      topics: topics ? topics.map((name) => ({ name })) : null,
      allowAutoTopicCreation: false,
    });
    return this.absorb(res, topics);
  }

  private absorb(res: MetadataResponse, asked: string[] | undefined): ClusterMetadata {
    this.clusterId = res.clusterId;
    this.controllerId = res.controllerId;
    if (res.brokers.length) {
      this.brokers.clear();
      for (const b of res.brokers)
        this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
    }
    if (!asked) this.topics.clear();
    const out = new Map<string, TopicInfo>();
    for (const t of res.topics) {
      if (t.name === null) continue;
      const info: TopicInfo = {
        name: t.name,
        topicId: t.topicId,
        errorCode: t.errorCode,
        isInternal: t.isInternal,
        partitions: t.partitions
          .map((p) => ({
            partition: p.partitionIndex,
            errorCode: p.errorCode,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
          }))
          .sort((a, b) => a.partition - b.partition),
      };
      out.set(t.name, info);
      if (t.errorCode === 0) this.topics.set(t.name, info);
      else this.topics.delete(t.name);
    }
    return {
      clusterId: this.clusterId,
      controllerId: this.controllerId,
      brokers: new Map(this.brokers),
      topics: out,
    };
  }

  private snapshot(topics: string[]): ClusterMetadata {
    const out = new Map<string, TopicInfo>();
    for (const t of topics) {
      const info = this.topics.get(t);
      if (info) out.set(t, info);
    }
    return {
      clusterId: this.clusterId,
      controllerId: this.controllerId,
      brokers: new Map(this.brokers),
      topics: out,
    };
  }

  /** The connection to a partition's leader (from cached metadata; `invalidate` after NOT_LEADER etc.). */
  async leaderFor(topic: string, partition: number): Promise<Connection> {
    return this.broker(await this.leaderIdFor(topic, partition));
  }

  /** The leader's node id, from cached metadata. */
  async leaderIdFor(topic: string, partition: number): Promise<number> {
    // cached: no snapshot (callers ask once per partition per write or metrics round)
    const t = this.topics.get(topic) ?? (await this.metadata([topic])).topics.get(topic);
    const context = { topic, partition };
    if (!t) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, { context });
    if (t.errorCode !== 0) throw new KafkaError(t.errorCode, null, { context });
    // partitions are sorted by index (absorb), so index = partition unless some are missing
    const at = t.partitions[partition];
    const p = at?.partition === partition ? at : t.partitions.find((x) => x.partition === partition);
    if (!p)
      throw new KafkaError(
        ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        `the topic has ${t.partitions.length} partitions`,
        { context },
      );
    if (p.leader < 0) {
      this.invalidate(topic);
      throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, null, { context });
    }
    return p.leader;
  }

  /** Cached metadata of one topic, or undefined when it is not cached. */
  cachedTopic(topic: string): TopicInfo | undefined {
    return this.topics.get(topic);
  }

  /** Forgets cached metadata (one topic, or all), so the next lookup asks a broker. */
  invalidate(topic?: string): void {
    if (topic === undefined) this.topics.clear();
    else this.topics.delete(topic);
  }

  /** The connection to one broker, opened (or re-opened after it closed) on demand. */
  broker(nodeId: number): Promise<Connection> {
    this.assertOpen();
    const existing = this.conns.get(nodeId);
    if (existing) return existing;
    const p = (async () => {
      let info = this.brokers.get(nodeId);
      if (!info) {
        await this.fetchMetadata([]);
        info = this.brokers.get(nodeId);
      }
      if (!info)
        throw new KafkaError(
          ErrorCode.LEADER_NOT_AVAILABLE,
          `broker ${nodeId} is not in the cluster metadata`,
        );
      const c = await this.open(info.host, info.port, nodeId);
      c.onClose(() => {
        if (this.conns.get(nodeId) === p) this.conns.delete(nodeId);
      });
      return c;
    })();
    this.conns.set(nodeId, p);
    p.catch(() => {
      if (this.conns.get(nodeId) === p) this.conns.delete(nodeId);
    });
    return p;
  }

  /**
   * The group or transaction coordinator for `key` (FindCoordinator v4+ with coordinator_keys, v0-3 with one
   * key). Waits while the coordinator loads (COORDINATOR_NOT_AVAILABLE / COORDINATOR_LOAD_IN_PROGRESS) up to
   * the request timeout. Call `invalidateCoordinator` after NOT_COORDINATOR.
   */
  async coordinator(type: CoordinatorType, key: string): Promise<Connection> {
    const ck = `${type}:${key}`;
    const cached = this.coordinators.get(ck);
    if (cached) return this.brokerAt(cached);
    const deadline = Date.now() + (this.config.requestTimeoutMs ?? 30000);
    for (let attempt = 0; ; attempt++) {
      const conn = await this.anyConnection();
      const version = conn.versionOf(findCoordinatorApi);
      const res = await conn.send(findCoordinatorApi, {
        key,
        keyType: KEY_TYPE[type],
        coordinatorKeys: [key],
      });
      const c: Coordinator =
        version >= 4
          ? (res.coordinators[0] ?? {
              key,
              nodeId: -1,
              host: '',
              port: -1,
              errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
              errorMessage: null,
            })
          : {
              key,
              nodeId: res.nodeId,
              host: res.host,
              port: res.port,
              errorCode: res.errorCode,
              errorMessage: res.errorMessage,
            };
      if (c.errorCode === 0) {
        const info = { nodeId: c.nodeId, host: c.host, port: c.port, rack: null };
        this.coordinators.set(ck, info);
        return this.brokerAt(info);
      }
      const waitable =
        c.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE ||
        c.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
      if (!waitable || Date.now() > deadline)
        throw new KafkaError(c.errorCode, c.errorMessage, {
          context: type === 'group' ? { group: key } : { transactionalId: key },
        });
      await sleep(Math.min(50 * 2 ** attempt, 500));
    }
  }

  invalidateCoordinator(type: CoordinatorType, key: string): void {
    this.coordinators.delete(`${type}:${key}`);
  }

  private brokerAt(info: BrokerInfo): Promise<Connection> {
    if (!this.brokers.has(info.nodeId)) this.brokers.set(info.nodeId, info);
    return this.broker(info.nodeId);
  }

  /** Any open broker connection, else a bootstrap connection (tried address by address). */
  async anyConnection(): Promise<Connection> {
    this.assertOpen();
    for (const p of this.conns.values()) {
      const c = await p.catch(() => undefined);
      if (c && !c.closed) return c;
    }
    if (this.bootstrapConn) {
      const c = await this.bootstrapConn.catch(() => undefined);
      if (c && !c.closed) return c;
      this.bootstrapConn = undefined;
    }
    const p = this.connectBootstrap();
    this.bootstrapConn = p;
    return p;
  }

  private async connectBootstrap(): Promise<Connection> {
    const addrs = this.config.bootstrap;
    let last: unknown;
    for (let i = 0; i < addrs.length; i++) {
      const addr = addrs[(this.bootstrapIndex + i) % addrs.length] as string;
      const { host, port } = parseHostPort(addr);
      try {
        return await this.open(host, port, -1);
      } catch (e) {
        last = e;
        if (e instanceof KafkaError && !e.retriable) throw e; // auth / TLS: another address will not help
      }
    }
    this.bootstrapIndex++;
    throw last instanceof KafkaError
      ? last
      : new KafkaError(ErrorCode.NETWORK_EXCEPTION, `no bootstrap broker reachable (${addrs.join(', ')})`);
  }

  private open(host: string, port: number, nodeId: number): Promise<Connection> {
    const c = this.config;
    return Connection.connect({
      host,
      port,
      nodeId,
      clientId: c.clientId,
      ...(c.tls ? { tls: c.tls } : {}),
      ...(c.sasl ? { sasl: c.sasl } : {}),
      ...(c.name ? { cluster: c.name } : {}),
      ...(c.connectTimeoutMs !== undefined ? { connectTimeoutMs: c.connectTimeoutMs } : {}),
      ...(c.requestTimeoutMs !== undefined ? { requestTimeoutMs: c.requestTimeoutMs } : {}),
    });
  }

  private assertOpen(): void {
    if (this.closed)
      throw new KafkaError(ErrorCode.NETWORK_EXCEPTION, 'the cluster client is closed', { retriable: false });
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.conns.values()];
    if (this.bootstrapConn) all.push(this.bootstrapConn);
    this.conns.clear();
    this.bootstrapConn = undefined;
    await Promise.all(all.map((p) => p.then((c) => c.close()).catch(() => undefined)));
  }
}
