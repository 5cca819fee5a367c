import { shouldReplicate, topicFilter } from '@ferry/core';
import type { Admin, Kafka } from 'kafkajs';
import type { FlowConfig } from '../config/flow-config.ts';
import { toFerryError } from '../errors.ts';
import type { WindowStats } from '../events.ts';
import { RenewingProducer } from '../kafka/renewing-producer.ts';
import { checkpointsTopic, encodeCheckpoint } from '../mm2-formats/records.ts';
import { ensureCompactedTopic } from '../offset-syncs/loader.ts';
import { offsetSyncsTopic } from '../offset-syncs/sync-record.ts';
import { OffsetSyncTail } from '../offset-syncs/tail.ts';
import type { SyncEventListener } from './events.ts';
import { type GroupFilter, groupFilter } from './group-filter.ts';
import { type GroupSyncResult, syncGroupOffsets } from './group-sync.ts';
import type { SyncSettings } from './settings.ts';
import {
  type GroupPartitionTranslation,
  type GroupTranslateOptions,
  sourceGroupOffsets,
  translateGroupOffsets,
} from './translate-group.ts';

export interface SyncClients {
  source: Kafka;
  target: Kafka;
  sourceAdmin: Admin;
  targetAdmin: Admin;
}

interface Seen {
  upstream: bigint;
  seenAt: number;
  emitted?: { upstream: bigint; downstream: bigint };
  latencies: number[];
}

/**
 * MM2's checkpoint connector, exact: for every source group the filters select, reads its committed offsets,
 * translates them with the flow's exact syncs and writes MM2 checkpoint records to
 * `<source>.checkpoints.internal` on the target (only when a partition's offsets changed). Untranslatable
 * partitions are reported with the reason. Optionally writes the translations into idle target groups.
 */
export class CheckpointTask {
  private readonly flow: FlowConfig;
  private readonly settings: SyncSettings;
  private readonly clients: SyncClients;
  private readonly emit: SyncEventListener;
  private readonly groups: GroupFilter;
  private readonly tail: OffsetSyncTail;
  private producer: RenewingProducer | undefined;
  private knownGroups: string[] = [];
  private lastGroupRefresh = 0;
  private readonly seen = new Map<string, Seen>();
  private readonly lastTranslations = new Map<string, GroupPartitionTranslation[]>();
  private timers: NodeJS.Timeout[] = [];
  /** Rounds run one at a time, in order; each kind is queued at most once. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly queued = new Set<string>();

  constructor(flow: FlowConfig, settings: SyncSettings, clients: SyncClients, emit: SyncEventListener) {
    this.flow = flow;
    this.settings = settings;
    this.clients = clients;
    this.emit = emit;
    this.groups = groupFilter(settings.groups, settings.groupsExclude);
    this.tail = new OffsetSyncTail(flow.target, clients.targetAdmin, offsetSyncsTopic(flow.source.alias));
  }

  get store() {
    return this.tail.store;
  }

  translateOptions(): GroupTranslateOptions {
    const f = this.flow;
    const filter = topicFilter(f.topics, f.topicsExclude);
    return {
      sourceAdmin: this.clients.sourceAdmin,
      targetAdmin: this.clients.targetAdmin,
      store: this.tail.store,
      sourceAlias: f.source.alias,
      targetAlias: f.target.alias,
      remoteTopicOf: (t) => f.policy.formatRemoteTopic(f.source.alias, t),
      replicates: (t) => shouldReplicate(filter, f.policy, f.target.alias, t),
      beganAtLogStart: f.startPosition === 'earliest',
      ...(f.instance ? { instance: f.instance } : {}),
    };
  }

  /** Starts the rounds on their intervals (MM2's checkpoint connector). */
  async start(): Promise<void> {
    await this.open();
    this.startTimers();
  }

  /** Creates the internal topics, reads the offset syncs and connects the producer; rounds are then run by
   * calling emitCheckpoints() / syncGroups() (a managed flow does so from its control jobs). */
  async open(): Promise<void> {
    const { targetAdmin } = this.clients;
    await ensureCompactedTopic(
      targetAdmin,
      offsetSyncsTopic(this.flow.source.alias),
      this.settings.offsetSyncsReplicationFactor,
    );
    await ensureCompactedTopic(
      targetAdmin,
      checkpointsTopic(this.flow.source.alias),
      this.settings.checkpointsReplicationFactor,
    );
    await this.tail.start();
    // A failed checkpoint write replaces the producer: the next round writes with a new one.
    this.producer = new RenewingProducer(
      this.clients.target,
      { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false },
      {
        beforeRenew: () =>
          ensureCompactedTopic(
            targetAdmin,
            checkpointsTopic(this.flow.source.alias),
            this.settings.checkpointsReplicationFactor,
          ),
      },
    );
    await this.producer.connect();
  }

  private startTimers(): void {
    const tick = (kind: string, what: () => Promise<unknown>) => () => {
      if (this.queued.has(kind)) return;
      this.queued.add(kind);
      this.chain = this.chain
        .then(() => {
          this.queued.delete(kind);
          return what();
        })
        .catch((e) =>
          this.emit({
            type: 'sync-error',
            flow: this.flow.id,
            what: kind === 'emit' ? 'checkpoints' : 'group-offsets',
            error: toFerryError(e, 'CHECKPOINT_FAILED', { cluster: this.flow.target.alias }),
          }),
        );
    };
    if (this.settings.emitCheckpointsEnabled)
      this.timers.push(
        setInterval(
          tick('emit', () => this.emitCheckpoints()),
          this.settings.emitCheckpointsIntervalMs,
        ),
      );
    if (this.settings.syncGroupOffsetsEnabled)
      this.timers.push(
        setInterval(
          tick('sync', () => this.syncGroups()),
          this.settings.syncGroupOffsetsIntervalMs,
        ),
      );
  }

  private async refreshGroups(): Promise<string[]> {
    const now = Date.now();
    const due =
      this.lastGroupRefresh === 0 ||
      (this.settings.refreshGroupsEnabled &&
        now - this.lastGroupRefresh >= this.settings.refreshGroupsIntervalMs);
    if (due) {
      const { groups } = await this.clients.sourceAdmin.listGroups();
      this.knownGroups = groups
        .filter(
          (g) =>
            (g.protocolType === 'consumer' || g.protocolType === '') &&
            this.groups.shouldReplicateGroup(g.groupId),
        )
        .map((g) => g.groupId)
        .sort();
      this.lastGroupRefresh = now;
    }
    return this.knownGroups;
  }

  /** One checkpoint round: returns the translations of every selected group (also when nothing changed). */
  async emitCheckpoints(): Promise<Map<string, GroupPartitionTranslation[]>> {
    const out = new Map<string, GroupPartitionTranslation[]>();
    let groups: string[];
    try {
      groups = await this.refreshGroups();
    } catch (e) {
      this.emit({
        type: 'sync-error',
        flow: this.flow.id,
        what: 'checkpoints',
        error: toFerryError(e, 'GROUPS_LIST_FAILED', { cluster: this.flow.source.alias }),
      });
      return out;
    }
    // offsets first, syncs second: the store then covers everything replicated before the group's commit
    const offsets = new Map<string, Awaited<ReturnType<typeof sourceGroupOffsets>>>();
    for (const g of groups) {
      try {
        offsets.set(g, await sourceGroupOffsets(this.clients.sourceAdmin, g));
      } catch (e) {
        this.emit({
          type: 'sync-error',
          flow: this.flow.id,
          what: 'checkpoints',
          group: g,
          error: toFerryError(e, 'GROUP_OFFSETS_FETCH_FAILED', { cluster: this.flow.source.alias }),
        });
      }
    }
    const now = Date.now();
    for (const [g, offs] of offsets) {
      for (const o of offs) {
        const k = `${g}\u0000${o.topic}:${o.partition}`;
        const s = this.seen.get(k);
        if (!s) this.seen.set(k, { upstream: o.offset, seenAt: now, latencies: [] });
        else if (s.upstream !== o.offset) {
          s.upstream = o.offset;
          s.seenAt = now;
        }
      }
    }
    try {
      await this.tail.caughtUp();
    } catch (e) {
      this.emit({
        type: 'sync-error',
        flow: this.flow.id,
        what: 'checkpoints',
        error: toFerryError(e, 'OFFSET_SYNCS_BEHIND', { cluster: this.flow.target.alias }),
      });
      return out;
    }
    const topic = checkpointsTopic(this.flow.source.alias);
    const opts = this.translateOptions();
    for (const [g, offs] of offsets) {
      let ts: GroupPartitionTranslation[];
      try {
        ts = await translateGroupOffsets(opts, g, offs);
      } catch (e) {
        this.emit({
          type: 'sync-error',
          flow: this.flow.id,
          what: 'checkpoints',
          group: g,
          error: toFerryError(e, 'CHECKPOINT_FAILED', { cluster: this.flow.target.alias }),
        });
        continue;
      }
      out.set(g, ts);
      this.lastTranslations.set(g, ts);
      const changed: Array<{ t: GroupPartitionTranslation; s: Seen; downstream: bigint }> = [];
      for (const t of ts) {
        if (!t.translation.exact) {
          this.emit({
            type: 'checkpoint-untranslatable',
            flow: this.flow.id,
            group: g,
            topic: t.topic,
            partition: t.partition,
            upstreamOffset: String(t.upstreamOffset),
            code: t.translation.code,
            reason: t.translation.reason,
          });
          continue;
        }
        const s = this.seen.get(`${g}\u0000${t.topic}:${t.partition}`)!;
        const d = t.translation.downstreamOffset;
        if (s.emitted && s.emitted.upstream === t.upstreamOffset && s.emitted.downstream === d) continue;
        changed.push({ t, s, downstream: d });
      }
      if (changed.length === 0) continue;
      try {
        await this.producer!.send({
          topic,
          acks: -1,
          messages: changed.map(({ t, downstream }) => ({
            partition: 0,
            ...encodeCheckpoint({
              group: g,
              topic: t.remoteTopic,
              partition: t.partition,
              upstreamOffset: t.upstreamOffset,
              downstreamOffset: downstream,
              metadata: t.metadata,
            }),
          })),
        });
      } catch (e) {
        this.emit({
          type: 'sync-error',
          flow: this.flow.id,
          what: 'checkpoints',
          group: g,
          error: toFerryError(e, 'CHECKPOINT_WRITE_FAILED', { cluster: this.flow.target.alias, topic }),
        });
        continue;
      }
      const acked = Date.now();
      for (const { t, s, downstream } of changed) {
        s.emitted = { upstream: t.upstreamOffset, downstream };
        s.latencies.push(acked - s.seenAt);
      }
      this.emit({ type: 'checkpoints-emitted', flow: this.flow.id, group: g, partitions: changed.length });
    }
    this.reportLatency();
    return out;
  }

  private reportLatency(): void {
    for (const [k, s] of this.seen) {
      if (s.latencies.length === 0) continue;
      const [group, tp] = k.split('\u0000') as [string, string];
      const i = tp.lastIndexOf(':');
      const stats: WindowStats = {
        min: Math.min(...s.latencies),
        max: Math.max(...s.latencies),
        avg: s.latencies.reduce((a, b) => a + b, 0) / s.latencies.length,
        count: s.latencies.length,
      };
      s.latencies = [];
      this.emit({
        type: 'checkpoint-metrics',
        flow: this.flow.id,
        group,
        topic: tp.slice(0, i),
        partition: Number(tp.slice(i + 1)),
        checkpointLatencyMs: stats,
      });
    }
  }

  /** Writes the latest exact translations into target groups with no active members (never backwards). */
  async syncGroups(): Promise<GroupSyncResult[]> {
    if (this.lastTranslations.size === 0) await this.emitCheckpoints();
    const results: GroupSyncResult[] = [];
    for (const [g, ts] of this.lastTranslations) {
      const writes = ts.flatMap((t) =>
        t.translation.exact
          ? [{ remoteTopic: t.remoteTopic, partition: t.partition, offset: t.translation.downstreamOffset }]
          : [],
      );
      if (writes.length === 0) continue;
      const r = await syncGroupOffsets(
        this.clients.target,
        this.clients.targetAdmin,
        g,
        writes,
        this.flow.target.alias,
      );
      results.push(r);
      if (r.ok) {
        if (r.written.length > 0)
          this.emit({
            type: 'group-offsets-synced',
            flow: this.flow.id,
            group: g,
            partitions: r.written.length,
          });
      } else if (r.error.code === 'GROUP_ACTIVE')
        this.emit({
          type: 'group-offset-sync-skipped',
          flow: this.flow.id,
          group: g,
          reason: r.error.message,
        });
      else
        this.emit({
          type: 'sync-error',
          flow: this.flow.id,
          what: 'group-offsets',
          group: g,
          error: r.error,
        });
    }
    return results;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.chain.catch(() => undefined);
    await this.tail.stop();
    await this.producer?.disconnect().catch(() => undefined);
  }
}
