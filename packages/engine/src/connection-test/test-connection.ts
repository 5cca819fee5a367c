import type { ConnectionReport } from '@ferry/core';
import type { SecretKey } from '@ferry/core/secret-box';
import type { ClusterConfig } from '../config/flow-config.ts';
import { type ClientTuning, kafkaFor } from '../kafka/client.ts';
import { explainKafkaError } from './explain-kafka-error.ts';
import { guessKafkaVersion, readApiVersions } from './kafka-version.ts';
import { openClusterSecrets, type StoredCluster, storedClusterConfig } from './stored-cluster.ts';

/** Someone is waiting for the answer: fail fast instead of retrying like replication does. */
const INTERACTIVE: ClientTuning = {
  connectionTimeoutMs: 4000,
  requestTimeoutMs: 8000,
  retries: 1,
  maxRetryTimeMs: 1000,
};
const CLIENT_ID = 'ferry-control-plane';

function emptyReport(): ConnectionReport {
  return {
    ok: false,
    brokers: [],
    controllerId: null,
    clusterId: null,
    kafkaVersion: null,
    topicCount: null,
    problems: [],
    elapsedMs: 0,
  };
}

/**
 * Connects, describes the cluster, guesses its Kafka version and counts its topics. Never throws for a
 * cluster problem: every failure becomes a plain-words sentence in `problems` (expected failures are values).
 */
export async function testConnection(cluster: ClusterConfig): Promise<ConnectionReport> {
  const started = Date.now();
  const report = emptyReport();
  const kafka = kafkaFor(cluster, CLIENT_ID, INTERACTIVE);
  const admin = kafka.admin();
  try {
    await admin.connect();
    const d = await admin.describeCluster();
    report.brokers = d.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }));
    report.controllerId = d.controller;
    report.clusterId = d.clusterId;
    try {
      report.kafkaVersion = guessKafkaVersion((await readApiVersions(kafka))?.[1]);
    } catch {
      /* the version is best effort */
    }
    try {
      report.topicCount = (await admin.listTopics()).filter((t) => !t.startsWith('__')).length;
    } catch (e) {
      report.problems.push(`Connected, but listing topics failed. ${explainKafkaError(e, cluster.alias)}`);
    }
    report.ok = report.problems.length === 0;
  } catch (e) {
    report.problems.push(explainKafkaError(e, cluster.alias));
  } finally {
    await admin.disconnect().catch(() => {});
  }
  return { ...report, elapsedMs: Date.now() - started };
}

/** Tests a stored cluster, its secrets opened with the keyring in memory only. */
export async function testStoredCluster(
  row: StoredCluster,
  keyring: readonly SecretKey[],
): Promise<ConnectionReport> {
  let cluster: ClusterConfig;
  try {
    cluster = storedClusterConfig(row, openClusterSecrets(row, keyring));
  } catch (e) {
    return {
      ...emptyReport(),
      problems: [`The stored credentials cannot be decrypted: ${(e as Error).message}`],
    };
  }
  return testConnection(cluster);
}

/** Every topic name of a cluster (internal ones included), for previews. Throws the client's error. */
export async function listTopicNames(cluster: ClusterConfig): Promise<string[]> {
  const admin = kafkaFor(cluster, CLIENT_ID, INTERACTIVE).admin();
  try {
    await admin.connect();
    return await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
