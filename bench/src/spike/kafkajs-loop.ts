import { kafkajsConfig } from '@ferry/testkit';
import { testCluster } from '@ferry/testkit/vitest';
import { Kafka, logLevel } from 'kafkajs';
import { RECORDS, report, seed } from './common.ts';

const [source = 'east', target = 'west'] = process.argv.slice(2);
const topic = `spike-${Date.now()}`;
await seed(source, topic);
const src = new Kafka({ ...kafkajsConfig(testCluster(source)), logLevel: Number(process.env.LL ?? 0) });
const dst = new Kafka({ ...kafkajsConfig(testCluster(target)), logLevel: logLevel.NOTHING });
const admin = dst.admin();
await admin.connect();
await admin.createTopics({
  topics: [{ topic, numPartitions: 6, replicationFactor: 1 }],
  waitForLeaders: true,
});
const consumer = src.consumer({
  groupId: `spike-${topic}`,
  maxBytes: 16 << 20,
  maxBytesPerPartition: 900_000,
});
const producer = dst.producer({
  transactionalId: `spike-${topic}`,
  maxInFlightRequests: 1,
  idempotent: true,
});
await Promise.all([consumer.connect(), producer.connect()]);
await consumer.subscribe({ topics: [topic], fromBeginning: true });
let n = 0;
process.stderr.write('seeded+connected\n');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await new Promise<void>((resolve) => {
  consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const txn = await producer.transaction();
      await txn.send({
        topic,
        messages: batch.messages.map((m) => ({
          partition: batch.partition,
          key: m.key,
          value: m.value,
          headers: m.headers,
          timestamp: m.timestamp,
        })),
      });
      await txn.commit();
      n += batch.messages.length;
      if (n >= RECORDS) resolve();
    },
  });
});
report(`kafkajs ${source}->${target}`, t0, cpu0, n);
await consumer.disconnect();
await producer.disconnect();
await admin.disconnect();
