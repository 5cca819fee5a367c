import type { Admin } from 'kafkajs';
import { toFerryError } from '../errors.ts';
import type { OffsetSyncStore } from '../offset-syncs/store.ts';
import type { Translation } from '../offset-syncs/translate.ts';
import { positionsGroup } from '../positions/positions.ts';

/** One partition of a group, translated. */
export interface GroupPartitionTranslation {
  group: string;
  topic: string;
  partition: number;
  remoteTopic: string;
  upstreamOffset: bigint;
  metadata: string;
  translation: Translation;
}

export interface GroupTranslateOptions {
  sourceAdmin: Admin;
  targetAdmin: Admin;
  store: OffsetSyncStore;
  sourceAlias: string;
  targetAlias: string;
  /** Name of a source topic on the target. */
  remoteTopicOf: (topic: string) => string;
  /** Which source topics the flow replicates. */
  replicates: (topic: string) => boolean;
  /** Replication began at the source log start ('earliest'). */
  beganAtLogStart: boolean;
  /** The flow's instance (several flows between the same clusters), for its positions group. */
  instance?: string;
}

/** Committed offsets of a group on the source: `topic:partition` → offset and metadata. */
export async function sourceGroupOffsets(
  admin: Admin,
  group: string,
): Promise<Array<{ topic: string; partition: number; offset: bigint; metadata: string }>> {
  const res = await admin.fetchOffsets({ groupId: group });
  const out: Array<{ topic: string; partition: number; offset: bigint; metadata: string }> = [];
  for (const t of res) {
    for (const p of t.partitions) {
      if (p.offset === '-1' || p.offset === '') continue;
      out.push({
        topic: t.topic,
        partition: p.partition,
        offset: BigInt(p.offset),
        metadata: p.metadata ?? '',
      });
    }
  }
  return out;
}

/** Replication positions on the target, by source `topic:partition`. */
async function replicationPositions(
  o: GroupTranslateOptions,
  topics: string[],
): Promise<Map<string, bigint>> {
  const out = new Map<string, bigint>();
  if (topics.length === 0) return out;
  const byRemote = new Map(topics.map((t) => [o.remoteTopicOf(t), t]));
  const res = await o.targetAdmin.fetchOffsets({
    groupId: positionsGroup(o.sourceAlias, o.targetAlias, o.instance),
    topics: [...byRemote.keys()],
  });
  for (const t of res) {
    for (const p of t.partitions)
      if (p.offset !== '-1' && p.offset !== '')
        out.set(`${byRemote.get(t.topic)}:${p.partition}`, BigInt(p.offset));
  }
  return out;
}

/**
 * Translates given source offsets of a group exactly. The store must be current (see `OffsetSyncTail`). Offsets
 * of topics the flow does not replicate are left out.
 */
export async function translateGroupOffsets(
  o: GroupTranslateOptions,
  group: string,
  offsets: Array<{ topic: string; partition: number; offset: bigint; metadata: string }>,
): Promise<GroupPartitionTranslation[]> {
  const mine = offsets.filter((x) => o.replicates(x.topic));
  const topics = [...new Set(mine.map((x) => x.topic))];
  let positions: Map<string, bigint>;
  const logStarts = new Map<string, bigint>();
  try {
    positions = await replicationPositions(o, topics);
  } catch (e) {
    throw toFerryError(e, 'POSITIONS_LOAD_FAILED', { cluster: o.targetAlias });
  }
  for (const t of topics) {
    try {
      for (const p of await o.sourceAdmin.fetchTopicOffsets(t))
        logStarts.set(`${t}:${p.partition}`, BigInt(p.low));
    } catch {
      // the source may be gone (failover): translation relies on the syncs alone
    }
  }
  return mine.map((x) => {
    const k = `${x.topic}:${x.partition}`;
    const pos = positions.get(k);
    const low = logStarts.get(k);
    return {
      group,
      topic: x.topic,
      partition: x.partition,
      remoteTopic: o.remoteTopicOf(x.topic),
      upstreamOffset: x.offset,
      metadata: x.metadata,
      translation: o.store.translate(x.topic, x.partition, x.offset, {
        ...(pos !== undefined ? { replicationPosition: pos } : {}),
        ...(low !== undefined ? { sourceLogStart: low } : {}),
        beganAtLogStart: o.beganAtLogStart,
      }),
    };
  });
}
