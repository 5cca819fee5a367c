import { defineApi } from '../api.ts';
import { arr, f } from '../protocol/schema.ts';

/*
 * Metadata (key 3), versions 1-12 (Kafka 4 keeps 0+; v1 is the first with nullable topics), flexible 9+.
 *
 * MetadataRequest => [topics](null = all, 1+) allow_auto_topic_creation(4+)
 *                    include_cluster_authorized_operations(8-10) include_topic_authorized_operations(8+)
 *   topics => topic_id:uuid(10+) name:string(nullable 10+)
 * MetadataResponse => throttle_time_ms(3+) [brokers] cluster_id(2+, nullable) controller_id(1+) [topics]
 *                     cluster_authorized_operations(8-10)
 *   brokers => node_id host port rack(1+, nullable)
 *   topics => error_code name(nullable 12+) topic_id(10+) is_internal(1+) [partitions]
 *             topic_authorized_operations(8+)
 *     partitions => error_code partition_index leader_id leader_epoch(7+) [replica_nodes] [isr_nodes]
 *                   [offline_replicas](5+)
 */
export interface MetadataRequest {
  topics: Array<{ topicId?: string; name: string | null }> | null;
  allowAutoTopicCreation?: boolean;
  includeClusterAuthorizedOperations?: boolean;
  includeTopicAuthorizedOperations?: boolean;
}
export interface MetadataBroker {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}
export interface MetadataPartition {
  errorCode: number;
  partitionIndex: number;
  leaderId: number;
  leaderEpoch: number;
  replicaNodes: number[];
  isrNodes: number[];
  offlineReplicas: number[];
}
export interface MetadataTopic {
  errorCode: number;
  name: string | null;
  topicId: string;
  isInternal: boolean;
  partitions: MetadataPartition[];
  topicAuthorizedOperations: number;
}
export interface MetadataResponse {
  throttleTimeMs: number;
  brokers: MetadataBroker[];
  clusterId: string | null;
  controllerId: number;
  topics: MetadataTopic[];
  clusterAuthorizedOperations: number;
}

export const metadataApi = defineApi<MetadataRequest, MetadataResponse>({
  key: 3,
  name: 'Metadata',
  minVersion: 1,
  maxVersion: 12,
  flexibleFrom: 9,
  request: [
    arr('topics', [f('topicId', 'uuid', '10+'), f('name', 'string', '0+', { nullable: '10+' })], '0+', {
      nullable: '1+',
    }),
    f('allowAutoTopicCreation', 'bool', '4+', { def: false }),
    f('includeClusterAuthorizedOperations', 'bool', '8-10'),
    f('includeTopicAuthorizedOperations', 'bool', '8+'),
  ],
  response: [
    f('throttleTimeMs', 'int32', '3+'),
    arr(
      'brokers',
      [
        f('nodeId', 'int32', '0+'),
        f('host', 'string', '0+'),
        f('port', 'int32', '0+'),
        f('rack', 'string', '1+', { nullable: '1+', def: null }),
      ],
      '0+',
    ),
    f('clusterId', 'string', '2+', { nullable: '2+', def: null }),
    f('controllerId', 'int32', '1+', { def: -1 }),
    arr(
      'topics',
      [
        f('errorCode', 'int16', '0+'),
        f('name', 'string', '0+', { nullable: '12+' }),
        f('topicId', 'uuid', '10+'),
        f('isInternal', 'bool', '1+'),
        arr(
          'partitions',
          [
            f('errorCode', 'int16', '0+'),
            f('partitionIndex', 'int32', '0+'),
            f('leaderId', 'int32', '0+'),
            f('leaderEpoch', 'int32', '7+', { def: -1 }),
            arr('replicaNodes', 'int32', '0+'),
            arr('isrNodes', 'int32', '0+'),
            arr('offlineReplicas', 'int32', '5+'),
          ],
          '0+',
        ),
        f('topicAuthorizedOperations', 'int32', '8+', { def: -2147483648 }),
      ],
      '0+',
    ),
    f('clusterAuthorizedOperations', 'int32', '8-10', { def: -2147483648 }),
  ],
});
