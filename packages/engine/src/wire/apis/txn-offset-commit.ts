import { defineApi } from '../api.ts';
import { arr, f } from '../protocol/schema.ts';

/*
 * TxnOffsetCommit (key 28), versions 0-5, flexible 3+. Sent to the group coordinator. v5 (transactions V2,
 * KIP-890 part 2) also adds the group to the transaction, with no AddOffsetsToTxn before it: sent only by a
 * writer on V2 (optInFrom).
 *
 * TxnOffsetCommitRequest => transactional_id group_id producer_id producer_epoch generation_id(3+)
 *                           member_id(3+) group_instance_id(3+, nullable) [topics]
 *   topics => name [partitions]
 *     partitions => partition_index committed_offset committed_leader_epoch(2+) committed_metadata(nullable)
 * TxnOffsetCommitResponse => throttle_time_ms [topics]
 *   topics => name [partitions]
 *     partitions => partition_index error_code
 */
export interface TxnOffsetCommitRequest {
  transactionalId: string;
  groupId: string;
  producerId: bigint;
  producerEpoch: number;
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
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
export interface TxnOffsetCommitResponse {
  throttleTimeMs: number;
  topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }>;
}

export const txnOffsetCommitApi = defineApi<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
  key: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 5,
  optInFrom: 5,
  flexibleFrom: 3,
  request: [
    f('transactionalId', 'string', '0+'),
    f('groupId', 'string', '0+'),
    f('producerId', 'int64', '0+'),
    f('producerEpoch', 'int16', '0+'),
    f('generationId', 'int32', '3+', { def: -1 }),
    f('memberId', 'string', '3+', { def: '' }),
    f('groupInstanceId', 'string', '3+', { nullable: '3+', def: null }),
    arr(
      'topics',
      [
        f('name', 'string', '0+'),
        arr(
          'partitions',
          [
            f('partitionIndex', 'int32', '0+'),
            f('committedOffset', 'int64', '0+'),
            f('committedLeaderEpoch', 'int32', '2+', { def: -1 }),
            f('committedMetadata', 'string', '0+', { nullable: '0+', def: null }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
  response: [
    f('throttleTimeMs', 'int32', '0+'),
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
