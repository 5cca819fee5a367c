import { defineApi } from '../api.ts';
import { arr, f, ZERO_UUID } from '../protocol/schema.ts';

/*
 * Fetch (key 1), versions 4-17 (Kafka 4 removed 0-3), flexible 12+. Topics by name up to v12, by topic id
 * (from Metadata v10+) from v13: fill both `topic` and `topicId`, the negotiated version picks one.
 *
 * FetchRequest => <tagged 12+: 0 cluster_id, 1 replica_state(15+)> replica_id(0-14) max_wait_ms min_bytes
 *                 max_bytes isolation_level session_id(7+) session_epoch(7+) [topics] [forgotten_topics_data](7+)
 *                 rack_id(11+)
 *   topics => topic(0-12) topic_id(13+) [partitions]
 *     partitions => partition current_leader_epoch(9+) fetch_offset last_fetched_epoch(12+)
 *                   log_start_offset(5+) partition_max_bytes <tagged 17+: 0 replica_directory_id>
 *   forgotten_topics_data => topic(7-12) topic_id(13+) [partitions:int32]
 * FetchResponse => throttle_time_ms error_code(7+) session_id(7+) [responses] <tagged 16+: 0 node_endpoints>
 *   responses => topic(0-12) topic_id(13+) [partitions]
 *     partitions => partition_index error_code high_watermark last_stable_offset log_start_offset(5+)
 *                   <tagged 12+: 0 diverging_epoch, 1 current_leader, 2 snapshot_id>
 *                   [aborted_transactions](nullable) preferred_read_replica(11+) records(nullable)
 *       aborted_transactions => producer_id:int64 first_offset:int64
 * `records` may end in a truncated batch (the broker cuts at the byte limit); it is a view, never copied.
 */
export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

export interface FetchRequestPartition {
  partition: number;
  currentLeaderEpoch?: number;
  fetchOffset: bigint;
  lastFetchedEpoch?: number;
  logStartOffset?: bigint;
  partitionMaxBytes: number;
}
export interface FetchRequest {
  replicaId?: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  sessionId?: number;
  sessionEpoch?: number;
  topics: Array<{ topic: string; topicId: string; partitions: FetchRequestPartition[] }>;
  forgottenTopicsData?: Array<{ topic: string; topicId: string; partitions: number[] }>;
  rackId?: string;
}
export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}
export interface FetchResponsePartition {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  divergingEpoch: { epoch: number; endOffset: bigint } | null;
  currentLeader: { leaderId: number; leaderEpoch: number } | null;
  snapshotId: { endOffset: bigint; epoch: number } | null;
  abortedTransactions: AbortedTransaction[] | null;
  preferredReadReplica: number;
  records: Buffer | null;
}
export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: Array<{ topic: string; topicId: string; partitions: FetchResponsePartition[] }>;
  nodeEndpoints: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
}

export const fetchApi = defineApi<FetchRequest, FetchResponse>({
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  flexibleFrom: 12,
  request: [
    f('clusterId', 'string', '12+', { nullable: '12+', tag: 0, def: null }),
    f('replicaId', 'int32', '0-14', { def: -1 }),
    f(
      'replicaState',
      [f('replicaId', 'int32', '15+', { def: -1 }), f('replicaEpoch', 'int64', '15+', { def: -1n })],
      '15+',
      {
        tag: 1,
      },
    ),
    f('maxWaitMs', 'int32', '0+'),
    f('minBytes', 'int32', '0+'),
    f('maxBytes', 'int32', '3+', { def: 0x7fffffff }),
    f('isolationLevel', 'int8', '4+'),
    f('sessionId', 'int32', '7+', { def: 0 }),
    f('sessionEpoch', 'int32', '7+', { def: -1 }),
    arr(
      'topics',
      [
        f('topic', 'string', '0-12', { def: '' }),
        f('topicId', 'uuid', '13+', { def: ZERO_UUID }),
        arr(
          'partitions',
          [
            f('partition', 'int32', '0+'),
            f('currentLeaderEpoch', 'int32', '9+', { def: -1 }),
            f('fetchOffset', 'int64', '0+'),
            f('lastFetchedEpoch', 'int32', '12+', { def: -1 }),
            f('logStartOffset', 'int64', '5+', { def: -1n }),
            f('partitionMaxBytes', 'int32', '0+'),
            f('replicaDirectoryId', 'uuid', '17+', { tag: 0, def: ZERO_UUID }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
    arr(
      'forgottenTopicsData',
      [
        f('topic', 'string', '7-12', { def: '' }),
        f('topicId', 'uuid', '13+', { def: ZERO_UUID }),
        arr('partitions', 'int32', '7+'),
      ],
      '7+',
    ),
    f('rackId', 'string', '11+', { def: '' }),
  ],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '7+'),
    f('sessionId', 'int32', '7+'),
    arr(
      'responses',
      [
        f('topic', 'string', '0-12', { def: '' }),
        f('topicId', 'uuid', '13+', { def: ZERO_UUID }),
        arr(
          'partitions',
          [
            f('partitionIndex', 'int32', '0+'),
            f('errorCode', 'int16', '0+'),
            f('highWatermark', 'int64', '0+'),
            f('lastStableOffset', 'int64', '4+', { def: -1n }),
            f('logStartOffset', 'int64', '5+', { def: -1n }),
            f('divergingEpoch', [f('epoch', 'int32', '12+'), f('endOffset', 'int64', '12+')], '12+', {
              tag: 0,
            }),
            f('currentLeader', [f('leaderId', 'int32', '12+'), f('leaderEpoch', 'int32', '12+')], '12+', {
              tag: 1,
            }),
            f('snapshotId', [f('endOffset', 'int64', '0+'), f('epoch', 'int32', '0+')], '12+', { tag: 2 }),
            arr(
              'abortedTransactions',
              [f('producerId', 'int64', '4+'), f('firstOffset', 'int64', '4+')],
              '4+',
              {
                nullable: '4+',
              },
            ),
            f('preferredReadReplica', 'int32', '11+', { def: -1 }),
            f('records', 'records', '0+', { nullable: '0+' }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
    arr(
      'nodeEndpoints',
      [
        f('nodeId', 'int32', '16+'),
        f('host', 'string', '16+'),
        f('port', 'int32', '16+'),
        f('rack', 'string', '16+', { nullable: '16+', def: null }),
      ],
      '16+',
      { tag: 0 },
    ),
  ],
});
