import { defineApi } from '../api.ts';
import { arr, f, ZERO_UUID } from '../protocol/schema.ts';

/*
 * Produce (key 0), versions 3-13 (3 is Kafka 4's minimum and the first with transactional_id), flexible 9+.
 * v12 is transactions V2 (KIP-890 part 2: a transactional produce adds its partition to the transaction, no
 * AddPartitionsToTxn); v13 (Kafka 4.1) names topics by id, so a topic deleted and re-created under the writer
 * refuses the produce (UNKNOWN_TOPIC_ID) instead of taking it. Both are sent only by a writer that asks for them
 * (optInFrom): negotiation stops at 11.
 *
 * ProduceRequest => transactional_id(nullable) acks timeout_ms [topic_data]
 *   topic_data => name(0-12) topic_id(13+) [partition_data]
 *     partition_data => index records(nullable)
 * ProduceResponse => [responses] throttle_time_ms <tagged 10+: 0 node_endpoints>
 *   responses => name(0-12) topic_id(13+) [partition_responses]
 *     partition_responses => index error_code base_offset log_append_time_ms(2+) log_start_offset(5+)
 *                            [record_errors](8+) error_message(8+, nullable) <tagged 10+: 0 current_leader>
 *       record_errors => batch_index batch_index_error_message(nullable)
 * `records` is one or more whole record batches for that partition, written by reference (no copy).
 */
export interface ProduceRequest {
  transactionalId: string | null;
  acks: number;
  timeoutMs: number;
  /** v13+ sends `topicId` instead of `name`: fill both, the version picks one. */
  topics: Array<{
    name: string;
    topicId?: string;
    partitions: Array<{ index: number; records: Buffer | null }>;
  }>;
}
export interface ProducePartitionResponse {
  index: number;
  errorCode: number;
  baseOffset: bigint;
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
  recordErrors: Array<{ batchIndex: number; batchIndexErrorMessage: string | null }>;
  errorMessage: string | null;
  currentLeader: { leaderId: number; leaderEpoch: number } | null;
}
export interface ProduceResponse {
  /** v13+ answers `topicId` (its `name` is empty). */
  responses: Array<{ name: string; topicId: string; partitions: ProducePartitionResponse[] }>;
  throttleTimeMs: number;
  nodeEndpoints: Array<{ nodeId: number; host: string; port: number; rack: string | null }>;
}

export const produceApi = defineApi<ProduceRequest, ProduceResponse>({
  key: 0,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 13,
  optInFrom: 12,
  flexibleFrom: 9,
  request: [
    f('transactionalId', 'string', '3+', { nullable: '3+', def: null }),
    f('acks', 'int16', '0+'),
    f('timeoutMs', 'int32', '0+'),
    arr(
      'topics',
      [
        f('name', 'string', '0-12', { def: '' }),
        f('topicId', 'uuid', '13+', { def: ZERO_UUID }),
        arr(
          'partitions',
          [f('index', 'int32', '0+'), f('records', 'records', '0+', { nullable: '0+' })],
          '0+',
        ),
      ],
      '0+',
    ),
  ],
  response: [
    arr(
      'responses',
      [
        f('name', 'string', '0-12', { def: '' }),
        f('topicId', 'uuid', '13+', { def: ZERO_UUID }),
        arr(
          'partitions',
          [
            f('index', 'int32', '0+'),
            f('errorCode', 'int16', '0+'),
            f('baseOffset', 'int64', '0+'),
            f('logAppendTimeMs', 'int64', '2+', { def: -1n }),
            f('logStartOffset', 'int64', '5+', { def: -1n }),
            arr(
              'recordErrors',
              [
                f('batchIndex', 'int32', '8+'),
                f('batchIndexErrorMessage', 'string', '8+', { nullable: '8+', def: null }),
              ],
              '8+',
            ),
            f('errorMessage', 'string', '8+', { nullable: '8+', def: null }),
            f('currentLeader', [f('leaderId', 'int32', '10+'), f('leaderEpoch', 'int32', '10+')], '10+', {
              tag: 0,
            }),
          ],
          '0+',
        ),
      ],
      '0+',
    ),
    f('throttleTimeMs', 'int32', '1+'),
    arr(
      'nodeEndpoints',
      [
        f('nodeId', 'int32', '10+'),
        f('host', 'string', '10+'),
        f('port', 'int32', '10+'),
        f('rack', 'string', '10+', { nullable: '10+', def: null }),
      ],
      '10+',
      { tag: 0 },
    ),
  ],
});
