import { defineApi } from '../api.ts';
import { f } from '../protocol/schema.ts';

/*
 * EndTxn (key 26), versions 0-5, flexible 3+. v5 is transactions V2 (KIP-890 part 2): the coordinator bumps the
 * epoch at every end and answers the producer id and epoch to use next; sent only by a writer on V2 (optInFrom).
 *
 * EndTxnRequest => transactional_id producer_id producer_epoch committed:bool
 * EndTxnResponse => throttle_time_ms error_code producer_id(5+) producer_epoch(5+)
 */
export interface EndTxnRequest {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  committed: boolean;
}
export interface EndTxnResponse {
  throttleTimeMs: number;
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export const endTxnApi = defineApi<EndTxnRequest, EndTxnResponse>({
  key: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 5,
  optInFrom: 5,
  flexibleFrom: 3,
  request: [
    f('transactionalId', 'string', '0+'),
    f('producerId', 'int64', '0+'),
    f('producerEpoch', 'int16', '0+'),
    f('committed', 'bool', '0+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '0+'),
    f('errorCode', 'int16', '0+'),
    f('producerId', 'int64', '5+', { def: -1n }),
    f('producerEpoch', 'int16', '5+', { def: -1 }),
  ],
});
