import type { Admin } from 'kafkajs';
import { toFerryError } from '../errors.ts';
import type { TopicPartition } from '../tasks/assign.ts';

/*
 * Replication positions: the next source offset to copy, per source partition.
 *
 * They live on the TARGET cluster, in Kafka's own compacted internal topic `__consumer_offsets`, as the
 * committed offsets of one consumer group per flow, `ferry-positions.<source>.<target>`, keyed by the REMOTE
 * topic and partition (which exist on the target) with the SOURCE offset as value. The data path writes them with
 * `TxnOffsetCommit` inside the same Kafka transaction as the replicated records (exactly-once: both or
 * neither become visible), the way Kafka Streams commits its input positions. No member ever joins that group,
 * so the broker accepts the commits; `kafka-consumer-groups --describe --group ferry-positions.east.west` shows
 * them (its LAG column compares with the remote topic and is meaningless here).
 *
 * Kafka expires the offsets of an empty group after `offsets.retention.minutes` (7 days by default), so a
 * running task re-commits the positions of idle partitions every `POSITION_REFRESH_MS`.
 */
export const POSITION_REFRESH_MS = 60 * 60 * 1000;

export function positionsGroup(source: string, target: string, instance?: string): string {
  return `ferry-positions.${source}.${target}${instance ? `.${instance}` : ''}`;
}

export interface RemotePartition extends TopicPartition {
  /** Remote topic on the target. */
  remoteTopic: string;
}

/** Committed positions for the given partitions (source offset as bigint); missing when none committed yet. */
export async function loadPositions(
  admin: Admin,
  group: string,
  partitions: RemotePartition[],
): Promise<Map<string, bigint>> {
  const byRemote = new Map<string, RemotePartition[]>();
  for (const p of partitions) byRemote.set(p.remoteTopic, [...(byRemote.get(p.remoteTopic) ?? []), p]);
  const out = new Map<string, bigint>();
  if (byRemote.size === 0) return out;
  try {
    const res = await fetchWithRetry(admin, group);
    for (const t of res) {
      if (!byRemote.has(t.topic)) continue;
      for (const p of t.partitions) {
        if (p.offset === '-1' || p.offset === '') continue;
        const src = byRemote.get(t.topic)?.find((x) => x.partition === p.partition);
        if (src) out.set(`${src.topic}:${src.partition}`, BigInt(p.offset));
      }
    }
  } catch (e) {
    throw toFerryError(e, 'POSITIONS_LOAD_FAILED', { topic: [...byRemote.keys()].join(',') });
  }
  return out;
}

/**
 * The group coordinator answers "loading" for a while after a broker starts: wait that out (up to ~15 s).
 * Every topic of the group is asked for, not the named ones: kafkajs looks named topics up in its metadata and
 * keeps them in the admin's metadata set for good, so a remote topic deleted on the target afterwards would fail
 * every later call of that admin (discovery could not create the topic again: issue #12, target topic deleted).
 */
async function fetchWithRetry(admin: Admin, groupId: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await admin.fetchOffsets({ groupId });
    } catch (e) {
      if (!(e as { retriable?: boolean }).retriable || attempt >= 30) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
