import { shouldReplicate, type TopicFilter, topicFilter } from '@ferry/core';
import kafkajs, { type Admin, type ITopicConfig } from 'kafkajs';
import type { FlowConfig } from '../config/flow-config.ts';
import { FerryError, toFerryError } from '../errors.ts';
import type { EventListener } from '../events.ts';

const { ConfigResourceTypes } = kafkajs;

const LEADER_PENDING = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
]);

/**
 * Whether a failed `createTopics({ waitForLeaders: true })` created the topics and only the wait for their
 * leaders failed: kafkajs then throws the metadata error itself (no per-topic `errors` list, which is how a
 * refused CreateTopics answers).
 */
export function leadersPending(e: unknown): boolean {
  const err = e as { type?: unknown; errors?: unknown; name?: unknown; message?: unknown } | null;
  if (!err || typeof err !== 'object' || Array.isArray(err.errors)) return false;
  // kafkajs' own give-up: "Timed out while waiting for topic leaders"
  if (err.name === 'KafkaJSTimeout' && typeof err.message === 'string' && /topic leaders/.test(err.message))
    return true;
  return typeof err.type === 'string' && LEADER_PENDING.has(err.type);
}

/** MM2's default `config.properties.exclude`: topic configs that are never copied to the remote topic. */
export const EXCLUDED_TOPIC_CONFIGS = new Set([
  'follower.replication.throttled.replicas',
  'leader.replication.throttled.replicas',
  'message.timestamp.difference.max.ms',
  'message.timestamp.type',
  'unclean.leader.election.enable',
  'min.insync.replicas',
]);

export interface SourceTopic {
  topic: string;
  remoteTopic: string;
  partitions: number;
  /** The remote topic's effective max.message.bytes. */
  maxMessageBytes: number;
}

/**
 * Topic discovery for one flow: lists source topics that match, creates their remote topics with the source's
 * partition count (and its non-default topic configs), adds partitions when the source grew, and reports
 * topics that disappeared.
 */
export class TopicDiscovery {
  private readonly flow: FlowConfig;
  private readonly source: Admin;
  private readonly target: Admin;
  private readonly emit: EventListener;
  private readonly filter: TopicFilter;
  private known = new Map<string, SourceTopic>();
  private defaultRf: number | undefined;

  constructor(flow: FlowConfig, source: Admin, target: Admin, emit: EventListener) {
    this.flow = flow;
    this.source = source;
    this.target = target;
    this.emit = emit;
    this.filter = topicFilter(flow.topics, flow.topicsExclude);
  }

  /** One discovery round; returns every topic the flow replicates now. */
  async refresh(): Promise<SourceTopic[]> {
    const f = this.flow;
    let names: string[];
    try {
      names = (await this.source.listTopics())
        .filter((t) => shouldReplicate(this.filter, f.policy, f.target.alias, t))
        .sort();
    } catch (e) {
      throw toFerryError(e, 'SOURCE_UNAVAILABLE', { cluster: f.source.alias });
    }
    const meta = names.length === 0 ? [] : (await this.source.fetchTopicMetadata({ topics: names })).topics;
    const sourceCounts = new Map(meta.map((t) => [t.name, t.partitions.length]));
    const remoteNames = new Set(await this.target.listTopics());
    const remoteMeta = new Map<string, number>();
    const existing = names
      .map((n) => f.policy.formatRemoteTopic(f.source.alias, n))
      .filter((r) => remoteNames.has(r));
    if (existing.length > 0)
      for (const t of (await this.target.fetchTopicMetadata({ topics: existing })).topics)
        remoteMeta.set(t.name, t.partitions.length);

    const toCreate: ITopicConfig[] = [];
    const next = new Map<string, SourceTopic>();
    for (const topic of names) {
      const partitions = sourceCounts.get(topic);
      if (partitions === undefined || partitions === 0) continue;
      const remoteTopic = f.policy.formatRemoteTopic(f.source.alias, topic);
      const remoteCount = remoteMeta.get(remoteTopic);
      if (remoteCount === undefined) {
        toCreate.push({
          topic: remoteTopic,
          numPartitions: partitions,
          replicationFactor: await this.replicationFactor(),
          configEntries: await this.copyableConfigs(topic),
        });
      } else if (remoteCount < partitions) {
        await this.target
          .createPartitions({ topicPartitions: [{ topic: remoteTopic, count: partitions }] })
          .catch((e) => {
            throw toFerryError(e, 'CREATE_PARTITIONS_FAILED', {
              cluster: f.target.alias,
              topic: remoteTopic,
            });
          });
        this.emit({
          type: 'partitions-added',
          flow: f.id,
          topic,
          remoteTopic,
          from: remoteCount,
          to: partitions,
        });
      } else if (remoteCount > partitions) {
        this.emit({
          type: 'topic-skipped',
          flow: f.id,
          topic,
          reason: `${remoteTopic} on ${f.target.alias} has ${remoteCount} partitions, more than the source's ${partitions}; replicating the source's partitions`,
        });
      }
      next.set(topic, { topic, remoteTopic, partitions, maxMessageBytes: 0 });
    }
    if (toCreate.length > 0) {
      try {
        await this.target.createTopics({ topics: toCreate, waitForLeaders: true });
      } catch (e) {
        const errs = (e as { errors?: Array<{ type?: string; message?: string }> }).errors;
        const context = { cluster: f.target.alias, topic: toCreate.map((t) => t.topic).join(',') };
        const real = errs?.find((x) => x.type !== 'TOPIC_ALREADY_EXISTS');
        if (real?.type === 'INVALID_REPLICATION_FACTOR') {
          const { brokers } = await this.target.describeCluster().catch(() => ({ brokers: [] }));
          const rf = toCreate[0]!.replicationFactor;
          throw new FerryError(
            'INVALID_REPLICATION_FACTOR',
            brokers.length > 0
              ? `replication factor ${rf} is larger than its ${brokers.length} broker${brokers.length === 1 ? '' : 's'}`
              : `replication factor ${rf} is larger than its number of brokers`,
            { context, cause: e },
          );
        }
        // CreateTopics succeeded and only kafkajs' wait for the new partitions' leaders gave up (seen under load,
        // it failed `ferry run`'s start): go on, the writer waits for each partition's leader before its first
        // write (BatchWriter.ensureWritable).
        if (!leadersPending(e) && (!errs || real))
          throw toFerryError(
            real ? Object.assign(new Error(real.message ?? real.type), real) : e,
            'CREATE_TOPIC_FAILED',
            context,
          );
      }
      for (const t of toCreate)
        this.emit({
          type: 'topic-created',
          flow: f.id,
          topic: [...next.values()].find((x) => x.remoteTopic === t.topic)!.topic,
          remoteTopic: t.topic,
          partitions: t.numPartitions!,
        });
    }
    await this.fillMaxMessageBytes([...next.values()]);
    for (const [topic, t] of this.known)
      if (!next.has(topic))
        this.emit({ type: 'topic-deleted', flow: f.id, topic, remoteTopic: t.remoteTopic });
    this.known = next;
    const all = [...next.values()];
    this.emit({
      type: 'topics-refreshed',
      flow: f.id,
      topics: all.length,
      partitions: all.reduce((n, t) => n + t.partitions, 0),
    });
    return all;
  }

  private async replicationFactor(): Promise<number> {
    if (this.flow.replicationFactor > 0) return this.flow.replicationFactor;
    if (this.defaultRf !== undefined) return this.defaultRf;
    const { brokers } = await this.target.describeCluster();
    const res = await this.target.describeConfigs({
      resources: [
        {
          type: ConfigResourceTypes.BROKER,
          name: String(brokers[0]!.nodeId),
          configNames: ['default.replication.factor'],
        },
      ],
      includeSynonyms: false,
    });
    const v = Number(
      res.resources[0]?.configEntries.find((c) => c.configName === 'default.replication.factor')
        ?.configValue ?? 1,
    );
    this.defaultRf = Math.max(1, Math.min(v, brokers.length));
    return this.defaultRf;
  }

  /** Source topic configs set on the topic itself (not defaults), minus MM2's exclusions. */
  private async copyableConfigs(topic: string): Promise<Array<{ name: string; value: string }>> {
    try {
      const res = await this.source.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
        includeSynonyms: false,
      });
      return (res.resources[0]?.configEntries ?? [])
        .filter(
          (c) =>
            !c.isDefault &&
            !c.readOnly &&
            !c.isSensitive &&
            c.configSource === 1 &&
            !EXCLUDED_TOPIC_CONFIGS.has(c.configName),
        )
        .map((c) => ({ name: c.configName, value: c.configValue }));
    } catch {
      return [];
    }
  }

  private async fillMaxMessageBytes(topics: SourceTopic[]): Promise<void> {
    for (let i = 0; i < topics.length; i += 100) {
      const slice = topics.slice(i, i + 100);
      try {
        const res = await this.target.describeConfigs({
          resources: slice.map((t) => ({
            type: ConfigResourceTypes.TOPIC,
            name: t.remoteTopic,
            configNames: ['max.message.bytes'],
          })),
          includeSynonyms: false,
        });
        for (const r of res.resources) {
          const t = slice.find((x) => x.remoteTopic === r.resourceName);
          const v = r.configEntries.find((c) => c.configName === 'max.message.bytes')?.configValue;
          if (t && v) t.maxMessageBytes = Number(v);
        }
      } catch (e) {
        throw new FerryError(
          'DESCRIBE_CONFIGS_FAILED',
          `cannot read max.message.bytes of remote topics: ${(e as Error).message}`,
          { retriable: true, context: { cluster: this.flow.target.alias } },
        );
      }
    }
    for (const t of topics) if (!t.maxMessageBytes) t.maxMessageBytes = 1048588;
  }
}
