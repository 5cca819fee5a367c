import { defineApi } from '../api.ts';
import { arr, f } from '../protocol/schema.ts';

/*
 * OffsetFetch (key 9), versions 1-9 (Kafka 4 removed v0), flexible 6+. v7 adds require_stable (wait out
 * pending transactional commits: UNSTABLE_OFFSET_COMMIT until they end); v8+ take a list of groups.
 * Use `offsetFetchRequest()` / `offsetFetchResult()` to fill and read both layouts.
 *
 * OffsetFetchRequest => group_id(0-7) [topics](0-7, nullable 2+) [groups](8+) require_stable(7+)
 *   topics => name [partition_indexes:int32]
 *   groups => group_id member_id(9+, nullable) member_epoch(9+) [topics](nullable)
 * OffsetFetchResponse => throttle_time_ms(3+) [topics](0-7) error_code(2-7) [groups](8+)
 *   topics => name [partitions]
 *     partitions => partition_index committed_offset committed_leader_epoch(5+) metadata(nullable) error_code
 *   groups => group_id [topics] error_code
 */
export interface OffsetFetchTopicRequest {
  name: string;
  partitionIndexes: number[];
}
export interface OffsetFetchRequest {
  groupId?: string;
  topics?: OffsetFetchTopicRequest[] | null;
  groups?: Array<{
    groupId: string;
    memberId?: string | null;
    memberEpoch?: number;
    topics: OffsetFetchTopicRequest[] | null;
  }>;
  requireStable?: boolean;
}
export interface OffsetFetchPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}
export interface OffsetFetchTopic {
  name: string;
  partitions: OffsetFetchPartition[];
}
export interface OffsetFetchResponse {
  throttleTimeMs: number;
  topics: OffsetFetchTopic[];
  errorCode: number;
  groups: Array<{ groupId: string; topics: OffsetFetchTopic[]; errorCode: number }>;
}

const partitionFields = (v: string) => [
  f('partitionIndex', 'int32', v),
  f('committedOffset', 'int64', v),
  f('committedLeaderEpoch', 'int32', v === '0-7' ? '5-7' : v, { def: -1 }),
  f('metadata', 'string', v, { nullable: v }),
  f('errorCode', 'int16', v),
];

export const offsetFetchApi = defineApi<OffsetFetchRequest, OffsetFetchResponse>({
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  flexibleFrom: 6,
  request: [
    f('groupId', 'string', '0-7'),
    arr('topics', [f('name', 'string', '0-7'), arr('partitionIndexes', 'int32', '0-7')], '0-7', {
      nullable: '2-7',
    }),
    arr(
      'groups',
      [
        f('groupId', 'string', '8+'),
        f('memberId', 'string', '9+', { nullable: '9+', def: null }),
        f('memberEpoch', 'int32', '9+', { def: -1 }),
        arr('topics', [f('name', 'string', '8+'), arr('partitionIndexes', 'int32', '8+')], '8+', {
          nullable: '8+',
        }),
      ],
      '8+',
    ),
    f('requireStable', 'bool', '7+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '3+'),
    arr('topics', [f('name', 'string', '0-7'), arr('partitions', partitionFields('0-7'), '0-7')], '0-7'),
    f('errorCode', 'int16', '2-7'),
    arr(
      'groups',
      [
        f('groupId', 'string', '8+'),
        arr('topics', [f('name', 'string', '8+'), arr('partitions', partitionFields('8+'), '8+')], '8+'),
        f('errorCode', 'int16', '8+'),
      ],
      '8+',
    ),
  ],
});

/** A request for one group in either layout (v0-7 top level, v8+ one entry of `groups`). null topics = all. */
export function offsetFetchRequest(
  groupId: string,
  topics: OffsetFetchTopicRequest[] | null,
  requireStable: boolean,
): OffsetFetchRequest {
  return { groupId, topics, groups: [{ groupId, topics }], requireStable };
}

/** The one group's topics and error code, whichever layout the broker answered in. */
export function offsetFetchResult(
  res: OffsetFetchResponse,
  version: number,
): { errorCode: number; topics: OffsetFetchTopic[] } {
  if (version < 8) return { errorCode: res.errorCode, topics: res.topics };
  const g = res.groups[0];
  return g ? { errorCode: g.errorCode, topics: g.topics } : { errorCode: 0, topics: [] };
}
