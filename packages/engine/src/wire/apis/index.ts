export * from './add-offsets-to-txn.ts';
export * from './add-partitions-to-txn.ts';
export * from './api-versions.ts';
export * from './end-txn.ts';
export * from './fetch.ts';
export * from './find-coordinator.ts';
export * from './init-producer-id.ts';
export * from './list-offsets.ts';
export * from './metadata.ts';
export * from './offset-commit.ts';
export * from './offset-fetch.ts';
export * from './produce.ts';
export * from './sasl-authenticate.ts';
export * from './sasl-handshake.ts';
export * from './txn-offset-commit.ts';

import { addOffsetsToTxnApi } from './add-offsets-to-txn.ts';
import { addPartitionsToTxnApi } from './add-partitions-to-txn.ts';
import { apiVersionsApi } from './api-versions.ts';
import { endTxnApi } from './end-txn.ts';
import { fetchApi } from './fetch.ts';
import { findCoordinatorApi } from './find-coordinator.ts';
import { initProducerIdApi } from './init-producer-id.ts';
import { listOffsetsApi } from './list-offsets.ts';
import { metadataApi } from './metadata.ts';
import { offsetCommitApi } from './offset-commit.ts';
import { offsetFetchApi } from './offset-fetch.ts';
import { produceApi } from './produce.ts';
import { saslAuthenticateApi } from './sasl-authenticate.ts';
import { saslHandshakeApi } from './sasl-handshake.ts';
import { txnOffsetCommitApi } from './txn-offset-commit.ts';

/** Every API Ferry speaks, by key order. */
export const ALL_APIS = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  saslHandshakeApi,
  apiVersionsApi,
  initProducerIdApi,
  addPartitionsToTxnApi,
  addOffsetsToTxnApi,
  endTxnApi,
  txnOffsetCommitApi,
  saslAuthenticateApi,
] as const;
