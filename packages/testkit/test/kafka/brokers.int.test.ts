import { Kafka, type KafkaMessage } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkajsConfig } from '../../src/kafka/client-config.ts';
import { waitFor } from '../../src/kafka/process.ts';
import { uniqueName } from '../../src/vitest/names.ts';
import { testCluster } from '../../src/vitest/test-stack.ts';

/** Reads every record of `topic` a read_committed consumer sees, until `expected` arrived (or timeout). */
async function readAll(kafka: Kafka, topic: string, expected: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('g'), readUncommitted: false, maxWaitTimeInMs: 200 });
  const seen: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await waitFor(() => seen.length >= expected, {
      timeoutMs: 30_000,
      what: `${expected} records on ${topic}`,
    });
    // Anything beyond `expected` (e.g. an aborted record) would show up within a few more fetches.
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

describe.each(['east', 'west', 'east39', 'west39', 'auth', 'secure'])('stack cluster %s', (name) => {
  const cluster = testCluster(name);
  const kafka = new Kafka(kafkajsConfig(cluster, `testkit-${name}`));
  const admin = kafka.admin();
  afterAll(() => admin.disconnect());

  it(`runs Kafka ${cluster.kafkaVersion} with ${cluster.security} and round-trips records with headers`, async () => {
    const topic = uniqueName('rt');
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const ts = Date.now() - 60_000;
    await producer.send({
      topic,
      messages: [
        {
          key: 'k1',
          value: 'v1',
          partition: 1,
          timestamp: String(ts),
          headers: { h: 'x', bin: Buffer.from([0, 1, 2]) },
        },
        { key: 'k2', value: null, partition: 1, timestamp: String(ts + 1) },
      ],
    });
    await producer.disconnect();
    const got = await readAll(kafka, topic, 2);
    expect(got.map((m) => [m.key?.toString(), m.value?.toString() ?? null, m.timestamp])).toEqual([
      ['k1', 'v1', String(ts)],
      ['k2', null, String(ts + 1)],
    ]);
    expect(got[0]!.headers?.h?.toString()).toBe('x');
    expect(got[0]!.headers?.bin).toEqual(Buffer.from([0, 1, 2]));
  });

  it('shows committed transactions and hides aborted ones from read_committed consumers', async () => {
    const topic = uniqueName('txn');
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = kafka.producer({
      transactionalId: uniqueName('tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    for (const [value, commit] of [
      ['a', true],
      ['b', false],
      ['c', true],
    ] as const) {
      const txn = await producer.transaction();
      await txn.send({ topic, messages: [{ value }] });
      await (commit ? txn.commit() : txn.abort());
    }
    await producer.disconnect();
    const got = await readAll(kafka, topic, 2);
    expect(got.map((m) => m.value?.toString())).toEqual(['a', 'c']);
    // Offsets show the aborted record and the transaction markers took places in the log.
    expect(Number(got[1]!.offset)).toBeGreaterThan(2);
  });
});
