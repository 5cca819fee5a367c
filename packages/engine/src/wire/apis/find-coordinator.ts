import { defineApi } from '../api.ts';
import { arr, f } from '../protocol/schema.ts';

/*
 * FindCoordinator (key 10), versions 0-6, flexible 3+. v4+ batches keys (KIP-699); v0-3 take one key.
 *
 * FindCoordinatorRequest => key(0-3) key_type(1+) [coordinator_keys](4+)
 * FindCoordinatorResponse => throttle_time_ms(1+) error_code(0-3) error_message(1-3, nullable) node_id(0-3)
 *                            host(0-3) port(0-3) [coordinators](4+)
 *   coordinators => key node_id host port error_code error_message(nullable)
 * key_type: 0 = group, 1 = transaction.
 */
export const KEY_TYPE = { group: 0, transaction: 1 } as const;

export interface FindCoordinatorRequest {
  key?: string;
  keyType: number;
  coordinatorKeys?: string[];
}
export interface Coordinator {
  key: string;
  nodeId: number;
  host: string;
  port: number;
  errorCode: number;
  errorMessage: string | null;
}
export interface FindCoordinatorResponse {
  throttleTimeMs: number;
  errorCode: number;
  errorMessage: string | null;
  nodeId: number;
  host: string;
  port: number;
  coordinators: Coordinator[];
}

export const findCoordinatorApi = defineApi<FindCoordinatorRequest, FindCoordinatorResponse>({
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  flexibleFrom: 3,
  request: [f('key', 'string', '0-3'), f('keyType', 'int8', '1+'), arr('coordinatorKeys', 'string', '4+')],
  response: [
    f('throttleTimeMs', 'int32', '1+'),
    f('errorCode', 'int16', '0-3'),
    f('errorMessage', 'string', '1-3', { nullable: '1-3', def: null }),
    f('nodeId', 'int32', '0-3', { def: -1 }),
    f('host', 'string', '0-3'),
    f('port', 'int32', '0-3', { def: -1 }),
    arr(
      'coordinators',
      [
        f('key', 'string', '4+'),
        f('nodeId', 'int32', '4+'),
        f('host', 'string', '4+'),
        f('port', 'int32', '4+'),
        f('errorCode', 'int16', '4+'),
        f('errorMessage', 'string', '4+', { nullable: '4+', def: null }),
      ],
      '4+',
    ),
  ],
});
