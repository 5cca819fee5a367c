import { testCluster } from '@ferry/testkit/vitest';
import { Consumer, Producer, stringSerializers } from '@platformatic/kafka';
import { RECORDS, report, seed } from './common.ts';

const [source = 'east', target = 'west'] = process.argv.slice(2);
const topic = `spike-p-${Date.now()}`;
await seed(source, topic);
const { Admin } = await import('@platformatic/kafka');
const admin = new Admin({ clientId: 'spike', bootstrapBrokers: [testCluster(target).bootstrap] });
await admin.createTopics({ topics: [topic], partitions: 6, replicas: 1 });
const consumer = new Consumer({
  clientId: 'spike',
  groupId: `spike-${topic}`,
  bootstrapBrokers: [testCluster(source).bootstrap],
  isolationLevel: 1,
  maxBytes: 16 << 20,
} as never);
const producer = new Producer({
  clientId: 'spike',
  bootstrapBrokers: [testCluster(target).bootstrap],
  idempotent: true,
  transactionalId: `spike-${topic}`,
} as never);
const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false } as never);
let n = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let buf: Array<{
  topic: string;
  partition: number;
  key: Buffer;
  value: Buffer;
  headers: Map<Buffer, Buffer>;
  timestamp: bigint;
}> = [];
for await (const m of stream as AsyncIterable<{
  partition: number;
  key: Buffer;
  value: Buffer;
  headers: Map<Buffer, Buffer>;
  timestamp: bigint;
}>) {
  buf.push({
    topic,
    partition: m.partition,
    key: m.key,
    value: m.value,
    headers: m.headers,
    timestamp: m.timestamp,
  });
  if (buf.length >= 500 || n + buf.length >= RECORDS) {
    const txn = await producer.beginTransaction();
    await txn.send({ messages: buf as never });
    await txn.commit();
    n += buf.length;
    buf = [];
    if (n >= RECORDS) break;
  }
}
report(`platformatic ${source}->${target}`, t0, cpu0, n);
await stream.close();
await consumer.close();
await producer.close();
await admin.close();
void stringSerializers;
