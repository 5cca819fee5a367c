import type { ClusterCreate, ClusterSecrets, ConnectionReport } from '@ferry/core';
import type { SecretKey } from '@ferry/core/secret-box';
import { type ClusterRow, clusterSecrets } from '@ferry/db';
import type { Kafka } from 'kafkajs';
import { explainKafkaError, kafkaFor } from './kafka-client.ts';

/** The Kafka release line, guessed from the broker's Fetch API version range (ApiVersions). */
export function guessKafkaVersion(
  fetch: { minVersion: number; maxVersion: number } | undefined,
): string | null {
  if (!fetch) return null;
  const { minVersion: min, maxVersion: max } = fetch;
  const line =
    min >= 4
      ? '4.x'
      : max >= 17
        ? '3.9'
        : max >= 16
          ? '3.7–3.8'
          : max >= 15
            ? '3.5–3.6'
            : max >= 13
              ? '3.1–3.4'
              : max >= 12
                ? '2.7–3.0'
                : max >= 11
                  ? '2.3–2.6'
                  : 'older than 2.3';
  return `Kafka ${line} (Fetch v${min}–v${max})`;
}

/** kafkajs keeps the ApiVersions answer on its internal cluster object; reach it through the documented-by-source private factory. */
async function fetchApiVersions(
  kafka: Kafka,
): Promise<Record<number, { minVersion: number; maxVersion: number }> | null> {
  const sym = Object.getOwnPropertySymbols(kafka).find(
    (x) => x.description === 'private:Kafka:createCluster',
  );
  if (!sym) return null;
  const cluster = (
    kafka as unknown as Record<
      symbol,
      (o: object) => {
        connect(): Promise<void>;
        disconnect(): Promise<void>;
        brokerPool: { versions?: Record<number, { minVersion: number; maxVersion: number }> };
      }
    >
  )[sym]!({});
  try {
    await cluster.connect();
    return cluster.brokerPool.versions ?? null;
  } finally {
    await cluster.disconnect().catch(() => {});
  }
}

/** Connects with a stored cluster's settings (secrets decrypted in memory only). */
export async function testConnection(
  row: ClusterRow,
  keyring: readonly SecretKey[],
): Promise<ConnectionReport> {
  let secrets: ClusterSecrets;
  try {
    secrets = clusterSecrets(row, keyring);
  } catch (e) {
    return {
      ok: false,
      brokers: [],
      controllerId: null,
      clusterId: null,
      kafkaVersion: null,
      topicCount: null,
      problems: [`The stored credentials cannot be decrypted: ${(e as Error).message}`],
      elapsedMs: 0,
    };
  }
  return probeCluster(row, secrets);
}

/** Settings typed into the form, not saved yet. */
export function testDraftConnection(input: ClusterCreate): Promise<ConnectionReport> {
  const now = new Date();
  const row: ClusterRow = {
    id: '00000000-0000-0000-0000-000000000000',
    teamId: '00000000-0000-0000-0000-000000000000',
    name: input.name,
    bootstrapServers: input.bootstrapServers,
    securityProtocol: input.securityProtocol,
    settings: {
      ...(input.sasl ? { sasl: { mechanism: input.sasl.mechanism, username: input.sasl.username } } : {}),
      ...(input.tls
        ? { tls: { caPem: input.tls.caPem || undefined, certPem: input.tls.certPem || undefined } }
        : {}),
    },
    secrets: null,
    generation: 0,
    createdAt: now,
    updatedAt: now,
  } as unknown as ClusterRow;
  return probeCluster(row, { saslPassword: input.sasl?.password, tlsKeyPem: input.tls?.keyPem || undefined });
}

/** Connects, describes the cluster, counts topics; every failure becomes a sentence in `problems`. */
async function probeCluster(row: ClusterRow, secrets: ClusterSecrets): Promise<ConnectionReport> {
  const started = Date.now();
  const report: ConnectionReport = {
    ok: false,
    brokers: [],
    controllerId: null,
    clusterId: null,
    kafkaVersion: null,
    topicCount: null,
    problems: [],
    elapsedMs: 0,
  };
  const kafka = kafkaFor(row, secrets);
  const admin = kafka.admin();
  try {
    await admin.connect();
    const d = await admin.describeCluster();
    report.brokers = d.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port }));
    report.controllerId = d.controller;
    report.clusterId = d.clusterId;
    try {
      report.kafkaVersion = guessKafkaVersion((await fetchApiVersions(kafka))?.[1]);
    } catch {
      /* the version is best effort */
    }
    try {
      report.topicCount = (await admin.listTopics()).filter((t) => !t.startsWith('__')).length;
    } catch (e) {
      report.problems.push(`Connected, but listing topics failed. ${explainKafkaError(e)}`);
    }
    report.ok = report.problems.length === 0;
  } catch (e) {
    report.problems.push(explainKafkaError(e));
  } finally {
    await admin.disconnect().catch(() => {});
  }
  return { ...report, elapsedMs: Date.now() - started };
}

/** Source topic names for a flow preview. */
export async function listTopics(row: ClusterRow, keyring: readonly SecretKey[]): Promise<string[]> {
  const admin = kafkaFor(row, clusterSecrets(row, keyring)).admin();
  try {
    await admin.connect();
    return await admin.listTopics();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
