import type { Admin } from 'kafkajs';
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
export async function activeMembers(admin: Admin, group: string): Promise<{ state: string; members: number }> {
  const d = await admin.describeGroups([group]);
  const g = d.groups[0];
  return { state: g?.state ?? 'Dead', members: g?.members.length ?? 0 };
}

/**
 * Writes translated offsets into the target's consumer group: only when the group has no active members, and
 * never backwards (a partition already at or past its translated offset is left alone).
 */
export async function syncGroupOffsets(admin: Admin, group: string, offsets: GroupOffsetWrite[], cluster: string): Promise<GroupSyncResult> {
  try {
    const { state, members } = await activeMembers(admin, group);
    if (members > 0 || (state !== 'Empty' && state !== 'Dead' && state !== '')) {
      return {
        ok: false,
        group,
        error: new FerryError('GROUP_ACTIVE', `group ${group} on ${cluster} has ${members} active member(s) (state ${state}): offsets are only written into groups with no active members; stop its consumers first`, {
          retriable: true,
          context: { cluster },
        }),
      };
    }
    const topics = [...new Set(offsets.map((o) => o.remoteTopic))];
    const current = new Map<string, bigint>();
    if (topics.length > 0) {
      for (const t of await admin.fetchOffsets({ groupId: group, topics })) {
        for (const p of t.partitions) if (p.offset !== '-1' && p.offset !== '') current.set(`${t.topic}:${p.partition}`, BigInt(p.offset));
      }
    }
    const written: Array<GroupOffsetWrite & { previous?: bigint }> = [];
    const unchanged: Array<GroupOffsetWrite & { current: bigint }> = [];
    const byTopic = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const o of offsets) {
      const cur = current.get(`${o.remoteTopic}:${o.partition}`);
      if (cur !== undefined && cur >= o.offset) {
        unchanged.push({ ...o, current: cur });
        continue;
      }
      written.push({ ...o, ...(cur !== undefined ? { previous: cur } : {}) });
      byTopic.set(o.remoteTopic, [...(byTopic.get(o.remoteTopic) ?? []), { partition: o.partition, offset: String(o.offset) }]);
    }
    for (const [topic, partitions] of byTopic) await admin.setOffsets({ groupId: group, topic, partitions });
    return { ok: true, group, written, unchanged };
  } catch (e) {
    const err = toFerryError(e, 'GROUP_OFFSET_SYNC_FAILED', { cluster });
    return { ok: false, group, error: err };
  }
}
