import { defineApi } from '../api.ts';
import { arr, f } from '../protocol/schema.ts';

/*
 * AddPartitionsToTxn (key 24), versions 0-3, flexible 3+. Versions 4+ batch transactions and are used by
 * brokers only ("versions 3 and below will be exclusively used by clients").
 *
 * AddPartitionsToTxnRequest => transactional_id producer_id producer_epoch [topics]
 *   topics => name [partitions:int32]
 * AddPartitionsToTxnResponse => throttle_time_ms [results]
 *   results => name [results_by_partition]
 *     results_by_partition => partition_index partition_error_code
 */
export interface AddPartitionsToTxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  topics: Array<{ name: string; partitions: number[] }>;
}
export interface AddPartitionsToTxnResponse {
  throttleTimeMs: number;
  results: Array<{
    name: string;
    resultsByPartition: Array<{ partitionIndex: number; partitionErrorCode: number }>;
  }>;
}

export const addPartitionsToTxnApi = defineApi<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>({
  key: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 3,
  request: [
    f('transactionalId', 'string', '0-3'),
    f('producerId', 'int64', '0-3'),
    f('producerEpoch', 'int16', '0-3'),
    arr('topics', [f('name', 'string', '0+'), arr('partitions', 'int32', '0+')], '0-3'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '0+'),
    arr(
      'results',
      [
        f('name', 'string', '0+'),
        arr(
          'resultsByPartition',
          [f('partitionIndex', 'int32', '0+'), f('partitionErrorCode', 'int16', '0+')],
          '0+',
        ),
      ],
      '0-3',
    ),
  ],
});
