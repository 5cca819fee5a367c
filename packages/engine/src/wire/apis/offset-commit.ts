import { defineApi } from '../api.ts';
import { arr, f } from '../protocol/schema.ts';

/*
 * OffsetCommit (key 8), versions 2-9 (Kafka 4's minimum is 2), flexible 8+. A "simple" commit outside any
 * group generation uses generation_id_or_member_epoch -1 and member_id ''.
 *
 * OffsetCommitRequest => group_id generation_id_or_member_epoch(1+) member_id(1+)
 *                        group_instance_id(7+, nullable) retention_time_ms(2-4) [topics]
 *   topics => name [partitions]
 *     partitions => partition_index committed_offset committed_leader_epoch(6+) committed_metadata(nullable)
 * OffsetCommitResponse => throttle_time_ms(3+) [topics]
 *   topics => name [partitions]
 *     partitions => partition_index error_code
 */
export interface OffsetCommitRequest {
  groupId: string;
  generationIdOrMemberEpoch?: number;
  memberId?: string;
  groupInstanceId?: string | null;
  retentionTimeMs?: bigint;
  topics: Array<{
    name: string;
    partitions: Array<{
      partitionIndex: number;
      committedOffset: bigint;
      committedLeaderEpoch?: number;
      committedMetadata?: string | null;
    }>;
  }>;
}
export interface OffsetCommitResponse {
  throttleTimeMs: number;
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;
}

export const offsetCommitApi = defineApi<OffsetCommitRequest, OffsetCommitResponse>({
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 9,
  flexibleFrom: 8,
  request: [
    f('groupId', 'string', '0+'),
    f('generationIdOrMemberEpoch', 'int32', '1+', { def: -1 }),
    f('memberId', 'string', '1+', { def: '' }),
    f('groupInstanceId', 'string', '7+', { nullable: '7+', def: null }),
    f('retentionTimeMs', 'int64', '2-4', { def: -1n }),
    arr(
      'topics',
      [
        f('name', 'string', '0+'),
        arr(
          'partitions',
          [
            f('partitionIndex', 'int32', '0+'),
            f('committedOffset', 'int64', '0+'),
            f('committedLeaderEpoch', 'int32', '6+', { def: -1 }),
            f('committedMetadata', 'string', '0+', { nullable: '0+', def: null }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
  response: [
    f('throttleTimeMs', 'int32', '3+'),
    arr(
      'topics',
      [
        f('name', 'string', '0+'),
        arr('partitions', [f('partitionIndex', 'int32', '0+'), f('errorCode', 'int16', '0+')], '0+'),
      ],
      '0+',
    ),
  ],
});
