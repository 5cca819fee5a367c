/**
 * Record-by-record helpers for tests against the test stack: produce records with keys, headers, old
 * timestamps and tombstones, read a topic back with read_committed, compare per partition.
 * (Compressed topics need the codecs registered: the engine's registerCodecs().)
 */
import { CompressionTypes, type IHeaders, Kafka, logLevel } from 'kafkajs';
import { kafkajsConfig } from './kafka/client-config.ts';
import { waitFor } from './kafka/process.ts';
import type { ClusterState } from './kafka/state.ts';
import { uniqueName } from './vitest/names.ts';
import { testCluster } from './vitest/test-stack.ts';

export interface Rec {
  partition: number;
  key: string | null;
  value: string | null;
  headers: Array<[string, string]>;
  timestamp: string;
}

/** A shared test-stack cluster by name, or a cluster of a test's own (a dedicated broker's state). */
export type Where = string | ClusterState;

const nameOf = (cluster: Where) => (typeof cluster === 'string' ? cluster : cluster.name);

export function kafka(cluster: Where): Kafka {
  return new Kafka({
    ...kafkajsConfig(typeof cluster === 'string' ? testCluster(cluster) : cluster, uniqueName('test')),
    logLevel: logLevel.NOTHING,
  });
}

export async function createTopic(
  cluster: Where,
  topic: string,
  partitions: number,
  configEntries: Array<{ name: string; value: string }> = [],
): Promise<void> {
  const admin = kafka(cluster).admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions, replicationFactor: 1, configEntries }],
      waitForLeaders: false,
    });
    // A fresh KRaft broker may answer Metadata for a new topic with UNKNOWN_TOPIC_OR_PARTITION for a moment
    // (kafkajs' own wait does not retry that): wait until every partition has a leader.
    await waitFor(
      async () => {
        try {
          const m = await admin.fetchTopicMetadata({ topics: [topic] });
          const ps = m.topics[0]?.partitions ?? [];
          return ps.length === partitions && ps.every((p) => p.leader >= 0);
        } catch {
          return false;
        }
      },
      { timeoutMs: 30_000, what: `${topic} on ${nameOf(cluster)} to have leaders` },
    );
  } finally {
    await admin.disconnect();
  }
}

export async function addPartitions(cluster: Where, topic: string, count: number): Promise<void> {
  const admin = kafka(cluster).admin();
  await admin.connect();
  try {
    await admin.createPartitions({ topicPartitions: [{ topic, count }] });
  } finally {
    await admin.disconnect();
  }
}

/** Deletes `topic` and waits until the cluster no longer lists it. */
export async function deleteTopic(cluster: Where, topic: string): Promise<void> {
  const admin = kafka(cluster).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic], timeout: 30_000 });
    await waitFor(async () => !(await admin.listTopics()).includes(topic), {
      timeoutMs: 30_000,
      what: `${topic} to be gone`,
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * Deletes `topic` and creates it again under the same name (a new topic id), as someone else would: the
 * creation is tried until the broker has finished the deletion.
 */
export async function recreateTopic(cluster: Where, topic: string, partitions: number): Promise<void> {
  await deleteTopic(cluster, topic);
  await waitFor(
    async () =>
      createTopic(cluster, topic, partitions).then(
        () => true,
        () => false,
      ),
    { timeoutMs: 30_000, what: `${topic} created again` },
  );
}

export async function listTopics(cluster: Where): Promise<string[]> {
  const admin = kafka(cluster).admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

export async function partitionCount(cluster: Where, topic: string): Promise<number> {
  const admin = kafka(cluster).admin();
  await admin.connect();
  try {
    const m = await admin.fetchTopicMetadata({ topics: [topic] });
    return m.topics[0]!.partitions.length;
  } finally {
    await admin.disconnect();
  }
}

export async function produce(
  cluster: Where,
  topic: string,
  records: Rec[],
  compression = CompressionTypes.None,
): Promise<void> {
  const p = kafka(cluster).producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  try {
    for (let i = 0; i < records.length; i += 500) {
      await p.send({ topic, acks: -1, compression, messages: records.slice(i, i + 500).map(toMessage) });
    }
  } finally {
    await p.disconnect();
  }
}

export function toMessage(r: Rec) {
  const headers: IHeaders = {};
  for (const [k, v] of r.headers) {
    const cur = headers[k];
    headers[k] =
      cur === undefined
        ? Buffer.from(v)
        : ([...(Array.isArray(cur) ? cur : [cur]), Buffer.from(v)] as Buffer[]);
  }
  return { partition: r.partition, key: r.key, value: r.value, headers, timestamp: r.timestamp };
}

/** `n` records spread round-robin over `partitions`, with keys, headers, old timestamps and some tombstones. */
export function makeRecords(n: number, partitions: number, tag = 'r'): Rec[] {
  const base = Date.now() - 3_600_000;
  return Array.from({ length: n }, (_, i) => ({
    partition: i % partitions,
    key: i % 7 === 3 ? null : `${tag}-k${i % 50}`,
    value: i % 11 === 5 ? null : `${tag}-v${i}-${'x'.repeat(i % 37)}`,
    headers:
      i % 3 === 0
        ? []
        : [
            ['h1', `a${i}`],
            ['h1', `dup${i}`],
            ['trace', `t${i}`],
          ],
    timestamp: String(base + i),
  }));
}

/**
 * Reads a topic from the beginning with read_committed until every partition holds `expected[p]` records,
 * then returns them per partition in offset order.
 */
export async function readTopic(
  cluster: Where,
  topic: string,
  expectedPerPartition: Map<number, number>,
  timeoutMs = 60_000,
  /** Also wait until nothing new arrived for this long, so extra (duplicate) records would be seen too. */
  quietMs = 0,
  /** On timeout, return what was read (a check that wants to name missing records) instead of throwing. */
  partialOnTimeout = false,
): Promise<Map<number, Rec[]>> {
  let lastMessageAt = Date.now();
  await waitFor(async () => (await listTopics(cluster)).includes(topic), {
    timeoutMs,
    what: `${topic} to exist on ${nameOf(cluster)}`,
  });
  const c = kafka(cluster).consumer({
    groupId: uniqueName('reader'),
    readUncommitted: false,
    maxWaitTimeInMs: 200,
  });
  const got = new Map<number, Rec[]>();
  // A consumer-group rebalance can deliver a partition again from the start; keep each log entry once, by
  // offset, so the result is exactly the topic's content (a duplicated record has an offset of its own).
  const seen = new Map<number, Set<string>>();
  await c.connect();
  await c.subscribe({ topics: [topic], fromBeginning: true });
  await c.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      lastMessageAt = Date.now();
      const offsets = seen.get(partition) ?? new Set<string>();
      seen.set(partition, offsets);
      if (offsets.has(message.offset)) return;
      offsets.add(message.offset);
      const hs: Array<[string, string]> = [];
      for (const [k, v] of Object.entries(message.headers ?? {}))
        for (const x of Array.isArray(v) ? v : [v]) hs.push([k, String(x)]);
      got.set(partition, [
        ...(got.get(partition) ?? []),
        {
          partition,
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
          headers: hs,
          timestamp: message.timestamp,
        },
      ]);
    },
  });
  try {
    await waitFor(
      async () =>
        [...expectedPerPartition].every(([p, n]) => (got.get(p)?.length ?? 0) >= n) &&
        Date.now() - lastMessageAt >= quietMs,
      {
        timeoutMs,
        intervalMs: 100,
        what: `${topic} on ${nameOf(cluster)} to hold ${[...expectedPerPartition.values()].reduce((a, b) => a + b, 0)} records`,
      },
    );
  } catch (e) {
    if (!partialOnTimeout) throw e;
  } finally {
    await c.disconnect();
  }
  return got;
}

export function byPartition(records: Rec[]): Map<number, Rec[]> {
  const m = new Map<number, Rec[]>();
  for (const r of records) m.set(r.partition, [...(m.get(r.partition) ?? []), r]);
  return m;
}

export function counts(m: Map<number, Rec[]>): Map<number, number> {
  return new Map([...m].map(([p, rs]) => [p, rs.length]));
}
