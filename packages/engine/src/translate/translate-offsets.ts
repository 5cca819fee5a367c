import { defaultReplicationPolicy, type ReplicationPolicy } from '@ferry/core';
import type { Admin, Kafka } from 'kafkajs';
import { type GroupSyncResult, syncGroupOffsets } from '../checkpoints/group-sync.ts';
import { sourceGroupOffsets, translateGroupOffsets } from '../checkpoints/translate-group.ts';
import type { ClusterConfig } from '../config/flow-config.ts';
import { FerryError, toFerryError } from '../errors.ts';
import { kafkaFor } from '../kafka/client.ts';
import { checkpointsTopic, decodeCheckpoint } from '../mm2-formats/records.ts';
import { offsetSyncsTopic } from '../offset-syncs/sync-record.ts';
import { loadOffsetSyncs } from '../offset-syncs/tail.ts';
import type { UntranslatableCode } from '../offset-syncs/translate.ts';
import { readCompacted } from './read-compacted.ts';

export interface TranslateOffsetsOptions {
  group: string;
  source: ClusterConfig;
  target: ClusterConfig;
  policy?: ReplicationPolicy;
  /**
   * 'live': the group's committed offsets on the source, translated now with the exact syncs on the target.
   * 'checkpoints': the last checkpoints on the target (what Java's RemoteClusterUtils.translateOffsets reads;
   * works while the source is down). 'auto' (default): live, or checkpoints when the source is unreachable.
   */
  mode?: 'live' | 'checkpoints' | 'auto';
  /** Replication began at the source log start (start.position=earliest, the default). */
  beganAtLogStart?: boolean;
}

export interface TranslatedPartition {
  topic: string;
  partition: number;
  remoteTopic: string;
  upstreamOffset: string;
  /** The offset to use on the target; absent when the translation is not exact. */
  downstreamOffset?: string;
  exact: boolean;
  code?: UntranslatableCode;
  reason?: string;
}

export interface OffsetTranslationReport {
  group: string;
  source: string;
  target: string;
  via: 'live' | 'checkpoints';
  /** Why live translation was not used, when 'auto' fell back to checkpoints. */
  fallbackReason?: string;
  partitions: TranslatedPartition[];
}

async function withAdmin<T>(kafka: Kafka, fn: (a: Admin) => Promise<T>): Promise<T> {
  const a = kafka.admin();
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.disconnect().catch(() => undefined);
  }
}

async function live(
  o: TranslateOffsetsOptions,
  source: Kafka,
  target: Kafka,
  policy: ReplicationPolicy,
): Promise<TranslatedPartition[]> {
  return withAdmin(source, (sourceAdmin) =>
    withAdmin(target, async (targetAdmin) => {
      const offsets = await sourceGroupOffsets(sourceAdmin, o.group).catch((e) => {
        throw toFerryError(e, 'SOURCE_UNAVAILABLE', { cluster: o.source.alias });
      });
      const store = await loadOffsetSyncs(o.target, targetAdmin, offsetSyncsTopic(o.source.alias));
      const ts = await translateGroupOffsets(
        {
          sourceAdmin,
          targetAdmin,
          store,
          sourceAlias: o.source.alias,
          targetAlias: o.target.alias,
          remoteTopicOf: (t) => policy.formatRemoteTopic(o.source.alias, t),
          replicates: (t) => store.remoteTopic(t) !== undefined,
          beganAtLogStart: o.beganAtLogStart ?? true,
        },
        o.group,
        offsets,
      );
      return ts.map((t) => ({
        topic: t.topic,
        partition: t.partition,
        remoteTopic: t.remoteTopic,
        upstreamOffset: String(t.upstreamOffset),
        ...(t.translation.exact
          ? { exact: true, downstreamOffset: String(t.translation.downstreamOffset) }
          : { exact: false, code: t.translation.code, reason: t.translation.reason }),
      }));
    }),
  );
}

async function fromCheckpoints(
  o: TranslateOffsetsOptions,
  target: Kafka,
  policy: ReplicationPolicy,
): Promise<TranslatedPartition[]> {
  const latest = new Map<string, TranslatedPartition>();
  await withAdmin(target, async (admin) => {
    const topic = checkpointsTopic(o.source.alias);
    if (!(await admin.listTopics()).includes(topic)) return;
    await readCompacted(o.target, admin, topic, (key, value) => {
      if (!value) return;
      const c = decodeCheckpoint({ key, value });
      if (c.group !== o.group) return;
      latest.set(`${c.topic}:${c.partition}`, {
        topic: policy.upstreamTopic(c.topic) ?? c.topic,
        partition: c.partition,
        remoteTopic: c.topic,
        upstreamOffset: String(c.upstreamOffset),
        downstreamOffset: String(c.downstreamOffset),
        exact: true,
      });
    });
  });
  return [...latest.values()];
}

function isUnreachable(e: unknown): boolean {
  const err = e as { name?: string; code?: string; cause?: { name?: string } };
  return (
    err?.code === 'SOURCE_UNAVAILABLE' ||
    /Connection|NumberOfRetriesExceeded/.test(`${err?.name} ${err?.cause?.name}`)
  );
}

/**
 * Where a consumer group must resume on the target: for a failover runbook (`ferry offsets translate`).
 * Exact per partition, or not translatable with the reason.
 */
export async function translateOffsets(o: TranslateOffsetsOptions): Promise<OffsetTranslationReport> {
  const policy = o.policy ?? defaultReplicationPolicy();
  const target = kafkaFor(o.target, 'ferry-offsets');
  const mode = o.mode ?? 'auto';
  const base = { group: o.group, source: o.source.alias, target: o.target.alias };
  const sortParts = (ps: TranslatedPartition[]) =>
    ps.sort((a, b) => a.remoteTopic.localeCompare(b.remoteTopic) || a.partition - b.partition);
  if (mode === 'checkpoints')
    return { ...base, via: 'checkpoints', partitions: sortParts(await fromCheckpoints(o, target, policy)) };
  const source = kafkaFor({ ...o.source }, 'ferry-offsets');
  try {
    return { ...base, via: 'live', partitions: sortParts(await live(o, source, target, policy)) };
  } catch (e) {
    if (mode === 'live' || !isUnreachable(e))
      throw toFerryError(e, 'TRANSLATE_FAILED', { cluster: o.source.alias });
    return {
      ...base,
      via: 'checkpoints',
      fallbackReason: `source ${o.source.alias} unreachable: ${(e as Error).message}`,
      partitions: sortParts(await fromCheckpoints(o, target, policy)),
    };
  }
}

/**
 * Translates and writes the offsets into the same group on the target (`ferry offsets sync`): refuses while the
 * group has active members there, never moves a partition backwards, skips partitions that are not exact.
 */
export async function syncOffsets(
  o: TranslateOffsetsOptions,
): Promise<{ report: OffsetTranslationReport; result: GroupSyncResult }> {
  const report = await translateOffsets(o);
  const target = kafkaFor(o.target, 'ferry-offsets');
  const writes = report.partitions
    .filter((p) => p.exact)
    .map((p) => ({
      remoteTopic: p.remoteTopic,
      partition: p.partition,
      offset: BigInt(p.downstreamOffset!),
    }));
  if (writes.length === 0) {
    return {
      report,
      result: {
        ok: false,
        group: o.group,
        error: new FerryError(
          'NOTHING_TO_SYNC',
          `group ${o.group} has no exactly translatable offsets for ${o.source.alias}->${o.target.alias}`,
        ),
      },
    };
  }
  const result = await withAdmin(target, (admin) =>
    syncGroupOffsets(target, admin, o.group, writes, o.target.alias),
  );
  return { report, result };
}
