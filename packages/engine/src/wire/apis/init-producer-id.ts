import { defineApi } from '../api.ts';
import { f } from '../protocol/schema.ts';

/*
 * InitProducerId (key 22), versions 0-5, flexible 2+.
 *
 * InitProducerIdRequest => transactional_id(nullable) transaction_timeout_ms producer_id(3+) producer_epoch(3+)
 * InitProducerIdResponse => throttle_time_ms error_code producer_id producer_epoch
 * With a transactional id, the coordinator fences older epochs of that id and aborts their open transaction.
 */
export interface InitProducerIdRequest {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  producerId?: bigint;
  producerEpoch?: number;
}
export interface InitProducerIdResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export const initProducerIdApi = defineApi<InitProducerIdRequest, InitProducerIdResponse>({
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 2,
  request: [
    f('transactionalId', 'string', '0+', { nullable: '0+', def: null }),
    f('transactionTimeoutMs', 'int32', '0+'),
    f('producerId', 'int64', '3+', { def: -1n }),
    f('producerEpoch', 'int16', '3+', { def: -1 }),
  ],
  response: [
    f('throttleTimeMs', 'int32', '0+'),
    f('errorCode', 'int16', '0+'),
    f('producerId', 'int64', '0+', { def: -1n }),
    f('producerEpoch', 'int16', '0+', { def: -1 }),
  ],
});
