import type { Api } from '../../src/wire/api.ts';
import * as A from '../../src/wire/apis/index.ts';

/** A request and a response of every API with every field set (fields a version lacks are dropped by it). */
const batch = Buffer.from('00000000000000000000003cffffffff02deadbeef', 'hex');
const uuid = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

export const SAMPLES: Array<{ api: Api<unknown, unknown>; req: unknown; res: unknown }> = [
  {
    api: A.apiVersionsApi as Api<unknown, unknown>,
    req: { clientSoftwareName: 'ferry', clientSoftwareVersion: '0.1.0' },
    res: {
      errorCode: 0,
      apiKeys: [
        { apiKey: 0, minVersion: 0, maxVersion: 11 },
        { apiKey: 1, minVersion: 4, maxVersion: 17 },
      ],
      throttleTimeMs: 5,
      supportedFeatures: [{ name: 'metadata.version', minVersion: 1, maxVersion: 21 }],
      finalizedFeaturesEpoch: 42n,
      finalizedFeatures: [{ name: 'metadata.version', maxVersionLevel: 21, minVersionLevel: 21 }],
      zkMigrationReady: true,
    },
  },
  {
    api: A.metadataApi as Api<unknown, unknown>,
    req: {
      topics: [{ topicId: uuid, name: 'orders' }],
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: true,
      includeTopicAuthorizedOperations: true,
    },
    res: {
      throttleTimeMs: 1,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: 'r1' }],
      clusterId: 'abc',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          topicId: uuid,
          isInternal: false,
          partitions: [
            {
              errorCode: 0,
              partitionIndex: 0,
              leaderId: 1,
              leaderEpoch: 3,
              replicaNodes: [1, 2],
              isrNodes: [1],
              offlineReplicas: [2],
            },
          ],
          topicAuthorizedOperations: 248,
        },
      ],
      clusterAuthorizedOperations: 7,
    },
  },
  {
    api: A.listOffsetsApi as Api<unknown, unknown>,
    req: {
      replicaId: -1,
      isolationLevel: 1,
      topics: [
        { name: 'orders', partitions: [{ partitionIndex: 2, currentLeaderEpoch: 4, timestamp: -1n }] },
      ],
      timeoutMs: 1000,
    },
    res: {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 2, errorCode: 0, timestamp: -1n, offset: 1234567890123n, leaderEpoch: 4 },
          ],
        },
      ],
    },
  },
  {
    api: A.fetchApi as Api<unknown, unknown>,
    req: {
      replicaId: -1,
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel: 1,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [
        {
          topic: 'orders',
          topicId: uuid,
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: 2,
              fetchOffset: 100n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 65536,
            },
          ],
        },
      ],
      forgottenTopicsData: [{ topic: 'old', topicId: uuid, partitions: [3] }],
      rackId: 'r1',
    },
    res: {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      responses: [
        {
          topic: 'orders',
          topicId: uuid,
          partitions: [
            {
              partitionIndex: 0,
              errorCode: 0,
              highWatermark: 200n,
              lastStableOffset: 190n,
              logStartOffset: 0n,
              divergingEpoch: null,
              currentLeader: { leaderId: 1, leaderEpoch: 2 },
              snapshotId: null,
              abortedTransactions: [{ producerId: 7n, firstOffset: 150n }],
              preferredReadReplica: -1,
              records: batch,
            },
          ],
        },
      ],
      nodeEndpoints: [{ nodeId: 1, host: 'h', port: 1, rack: null }],
    },
  },
  {
    api: A.produceApi as Api<unknown, unknown>,
    req: {
      transactionalId: 'tx',
      acks: -1,
      timeoutMs: 30000,
      topics: [
        {
          name: 'orders',
          topicId: '6f1c2d3e-4a5b-4c6d-8e7f-901234567890',
          partitions: [{ index: 0, records: batch }],
        },
      ],
    },
    res: {
      responses: [
        {
          name: 'orders',
          topicId: '6f1c2d3e-4a5b-4c6d-8e7f-901234567890',
          partitions: [
            {
              index: 0,
              errorCode: 0,
              baseOffset: 10n,
              logAppendTimeMs: -1n,
              logStartOffset: 0n,
              recordErrors: [{ batchIndex: 0, batchIndexErrorMessage: 'bad' }],
              errorMessage: 'x',
              currentLeader: { leaderId: 1, leaderEpoch: 5 },
            },
          ],
        },
      ],
      throttleTimeMs: 0,
      nodeEndpoints: [{ nodeId: 1, host: 'h', port: 1, rack: 'r' }],
    },
  },
  {
    api: A.findCoordinatorApi as Api<unknown, unknown>,
    req: { key: 'g', keyType: 0, coordinatorKeys: ['g'] },
    res: {
      throttleTimeMs: 0,
      errorCode: 0,
      errorMessage: null,
      nodeId: 1,
      host: 'h',
      port: 9092,
      coordinators: [{ key: 'g', nodeId: 1, host: 'h', port: 9092, errorCode: 0, errorMessage: null }],
    },
  },
  {
    api: A.initProducerIdApi as Api<unknown, unknown>,
    req: { transactionalId: 'tx', transactionTimeoutMs: 60000, producerId: -1n, producerEpoch: -1 },
    res: { throttleTimeMs: 0, errorCode: 0, producerId: 4000n, producerEpoch: 3 },
  },
  {
    api: A.addPartitionsToTxnApi as Api<unknown, unknown>,
    req: {
      transactionalId: 'tx',
      producerId: 4000n,
      producerEpoch: 3,
      topics: [{ name: 'orders', partitions: [0, 1] }],
    },
    res: {
      throttleTimeMs: 0,
      results: [{ name: 'orders', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: 0 }] }],
    },
  },
  {
    api: A.addOffsetsToTxnApi as Api<unknown, unknown>,
    req: { transactionalId: 'tx', producerId: 4000n, producerEpoch: 3, groupId: 'g' },
    res: { throttleTimeMs: 0, errorCode: 0 },
  },
  {
    api: A.txnOffsetCommitApi as Api<unknown, unknown>,
    req: {
      transactionalId: 'tx',
      groupId: 'g',
      producerId: 4000n,
      producerEpoch: 3,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 9n, committedLeaderEpoch: -1, committedMetadata: 'm' },
          ],
        },
      ],
    },
    res: {
      throttleTimeMs: 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
    },
  },
  {
    api: A.endTxnApi as Api<unknown, unknown>,
    req: { transactionalId: 'tx', producerId: 4000n, producerEpoch: 3, committed: true },
    res: { throttleTimeMs: 0, errorCode: 0, producerId: -1n, producerEpoch: -1 },
  },
  {
    api: A.offsetFetchApi as Api<unknown, unknown>,
    req: A.offsetFetchRequest('g', [{ name: 'orders', partitionIndexes: [0, 1] }], true),
    res: {
      throttleTimeMs: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 9n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 },
          ],
        },
      ],
      errorCode: 0,
      groups: [
        {
          groupId: 'g',
          topics: [
            {
              name: 'orders',
              partitions: [
                {
                  partitionIndex: 0,
                  committedOffset: 9n,
                  committedLeaderEpoch: -1,
                  metadata: '',
                  errorCode: 0,
                },
              ],
            },
          ],
          errorCode: 0,
        },
      ],
    },
  },
  {
    api: A.offsetCommitApi as Api<unknown, unknown>,
    req: {
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partitionIndex: 0, committedOffset: 9n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    },
    res: {
      throttleTimeMs: 0,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: 0 }] }],
    },
  },
  {
    api: A.saslHandshakeApi as Api<unknown, unknown>,
    req: { mechanism: 'SCRAM-SHA-512' },
    res: { errorCode: 0, mechanisms: ['SCRAM-SHA-512', 'PLAIN'] },
  },
  {
    api: A.saslAuthenticateApi as Api<unknown, unknown>,
    req: { authBytes: Buffer.from('n,,n=ferry,r=abc') },
    res: {
      errorCode: 0,
      errorMessage: null,
      authBytes: Buffer.from('r=abcdef,s=c2FsdA==,i=4096'),
      sessionLifetimeMs: 0n,
    },
  },
];
