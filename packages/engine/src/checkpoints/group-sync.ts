import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { FerryError, toFerryError } from '../errors.ts';

export interface GroupOffsetWrite {
  remoteTopic: string;
  partition: number;
  offset: bigint;
}

export type GroupSyncResult =
  | {
      ok: true;
      group: string;
      written: Array<GroupOffsetWrite & { previous?: bigint }>;
      /** Partitions left alone because the target group is already at or past the translated offset. */
      unchanged: Array<GroupOffsetWrite & { current: bigint }>;
    }
  | { ok: false; group: string; error: FerryError };

/** Whether a group on the target has active members; Dead / Empty (or never seen) groups have none. */
export async function activeMembers(
  admin: Admin,
  group: string,
): Promise<{ state: string; members: number }> {
  const d = await admin.describeGroups([group]);
  const g = d.groups[0];
  return { state: g?.state ?? 'Dead', members: g?.members.length ?? 0 };
}

/**
 * Commits offsets for a group with no active members, the way an admin client does, without joining the group:
 * a one-off transaction whose only content is a TxnOffsetCommit (generation -1, no member id). The broker
 * refuses it when the group has active members. (kafkajs' `admin.setOffsets` joins the group as a consumer for
 * seconds instead.)
 */
export async function commitGroupOffsets(
  kafka: Kafka,
  group: string,
  offsets: Array<{ topic: string; partition: number; offset: bigint }>,
): Promise<void> {
  const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const o of offsets)
    byTopic.set(o.topic, [
      ...(byTopic.get(o.topic) ?? []),
      { partition: o.partition, offset: String(o.offset) },
    ]);
  const producer = kafka.producer({
    transactionalId: `ferry-offsets.${group}.${randomBytes(4).toString('hex')}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const txn = await producer.transaction();
    try {
      await txn.sendOffsets({
        consumerGroupId: group,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      });
      await txn.commit();
    } catch (e) {
      await txn.abort().catch(() => undefined);
      throw e;
    }
  } finally {
    await producer.disconnect().catch(() => undefined);
  }
}

/**
 * Writes translated offsets into the target's consumer group: only when the group has no active members, and
 * never backwards (a partition already at or past its translated offset is left alone).
 */
export async function syncGroupOffsets(
  kafka: Kafka,
  admin: Admin,
  group: string,
  offsets: GroupOffsetWrite[],
  cluster: string,
): Promise<GroupSyncResult> {
  try {
    const { state, members } = await activeMembers(admin, group);
    if (members > 0 || (state !== 'Empty' && state !== 'Dead' && state !== '')) {
      return {
        ok: false,
        group,
        error: new FerryError(
          'GROUP_ACTIVE',
          `group ${group} on ${cluster} has ${members} active member(s) (state ${state}): offsets are only written into groups with no active members; stop its consumers first`,
          {
            retriable: true,
            context: { cluster },
          },
        ),
      };
    }
    const topics = [...new Set(offsets.map((o) => o.remoteTopic))];
    const current = new Map<string, bigint>();
    if (topics.length > 0) {
      for (const t of await admin.fetchOffsets({ groupId: group, topics })) {
        for (const p of t.partitions)
          if (p.offset !== '-1' && p.offset !== '')
            current.set(`${t.topic}:${p.partition}`, BigInt(p.offset));
      }
    }
    const written: Array<GroupOffsetWrite & { previous?: bigint }> = [];
    const unchanged: Array<GroupOffsetWrite & { current: bigint }> = [];
    for (const o of offsets) {
      const cur = current.get(`${o.remoteTopic}:${o.partition}`);
      if (cur !== undefined && cur >= o.offset) {
        unchanged.push({ ...o, current: cur });
        continue;
      }
      written.push({ ...o, ...(cur !== undefined ? { previous: cur } : {}) });
    }
    if (written.length > 0)
      await commitGroupOffsets(
        kafka,
        group,
        written.map((w) => ({ topic: w.remoteTopic, partition: w.partition, offset: w.offset })),
      );
    return { ok: true, group, written, unchanged };
  } catch (e) {
    const err = toFerryError(e, 'GROUP_OFFSET_SYNC_FAILED', { cluster });
    return { ok: false, group, error: err };
  }
}
