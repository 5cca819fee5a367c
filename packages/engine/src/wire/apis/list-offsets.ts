import { defineApi } from '../api.ts';
import { arr, f } from '../protocol/schema.ts';

/*
 * ListOffsets (key 2), versions 1-10 (Kafka 4 removed v0), flexible 6+.
 *
 * ListOffsetsRequest => replica_id isolation_level(2+) [topics] timeout_ms(10+)
 *   topics => name [partitions]
 *     partitions => partition_index current_leader_epoch(4+) timestamp
 * ListOffsetsResponse => throttle_time_ms(2+) [topics]
 *   topics => name [partitions]
 *     partitions => partition_index error_code timestamp offset leader_epoch(4+)
 * timestamp -1 = latest (the last stable offset with isolation_level 1), -2 = earliest.
 */
export const LATEST = -1n;
export const EARLIEST = -2n;

export interface ListOffsetsRequest {
  replicaId: number;
  isolationLevel: number;
  topics: Array<{
    name: string;
    partitions: Array<{ partitionIndex: number; currentLeaderEpoch?: number; timestamp: bigint }>;
  }>;
  timeoutMs?: number;
}
export interface ListOffsetsPartitionResponse {
  partitionIndex: number;
  errorCode: number;
  timestamp: bigint;
  offset: bigint;
  leaderEpoch: number;
}
export interface ListOffsetsResponse {
  throttleTimeMs: number;
  topics: Array<{ name: string; partitions: ListOffsetsPartitionResponse[] }>;
}

export const listOffsetsApi = defineApi<ListOffsetsRequest, ListOffsetsResponse>({
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 10,
  flexibleFrom: 6,
  request: [
    f('replicaId', 'int32', '0+', { def: -1 }),
    f('isolationLevel', 'int8', '2+'),
    arr(
      'topics',
      [
        f('name', 'string', '0+'),
        arr(
          'partitions',
          [
            f('partitionIndex', 'int32', '0+'),
            f('currentLeaderEpoch', 'int32', '4+', { def: -1 }),
            f('timestamp', 'int64', '0+'),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
    f('timeoutMs', 'int32', '10+', { def: 30000 }),
  ],
  response: [
    f('throttleTimeMs', 'int32', '2+'),
    arr(
      'topics',
      [
        f('name', 'string', '0+'),
        arr(
          'partitions',
          [
            f('partitionIndex', 'int32', '0+'),
            f('errorCode', 'int16', '0+'),
            f('timestamp', 'int64', '1+', { def: -1n }),
            f('offset', 'int64', '1+', { def: -1n }),
            f('leaderEpoch', 'int32', '4+', { def: -1 }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
});
