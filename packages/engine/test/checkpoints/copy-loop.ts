import { randomBytes } from 'node:crypto';
import type { RecordMetadata } from 'kafkajs';
import { uniqueName } from '@ferry/testkit/vitest';
import { OffsetSyncEmitter, ensureCompactedTopic, offsetSyncsTopic } from '../../src/offset-syncs/index.ts';
import { positionsGroup } from '../../src/positions/positions.ts';
import { kafka } from '../helpers/kafka.ts';

/**
 * TEST-ONLY stand-in for the data path: copies source partitions to the same partitions of `<source>.<topic>`
 * on the target, one Kafka transaction per fetched batch holding the records, the exact offset syncs (through the
 * same `OffsetSyncEmitter` the data-path hook uses) and the positions — as the engine's TargetWriter does.
 * Resumes from the positions group; returns once every partition is copied up to the source end seen at start.
 */
export async function copyTopics(source: string, target: string, topics: string[]): Promise<void> {
  const src = kafka(source);
  const dst = kafka(target);
  const srcAdmin = src.admin();
  const dstAdmin = dst.admin();
  await srcAdmin.connect();
  await dstAdmin.connect();
  const group = positionsGroup(source, target);
  const emitter = new OffsetSyncEmitter(source);
  await ensureCompactedTopic(dstAdmin, offsetSyncsTopic(source));
  const producer = dst.producer({ transactionalId: `test-copy.${source}.${target}.${randomBytes(3).toString('hex')}`, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const consumer = src.consumer({ groupId: uniqueName('copy'), readUncommitted: false, maxWaitTimeInMs: 100 });
  try {
    const ends = new Map<string, bigint>();
    const positions = new Map<string, bigint>();
    for (const topic of topics) {
      for (const o of await srcAdmin.fetchTopicOffsets(topic)) ends.set(`${topic}:${o.partition}`, BigInt(o.high));
      const remote = `${source}.${topic}`;
      for (const t of await dstAdmin.fetchOffsets({ groupId: group, topics: [remote] })) {
        for (const p of t.partitions) if (p.offset !== '-1') positions.set(`${topic}:${p.partition}`, BigInt(p.offset));
      }
    }
    const read = new Map<string, bigint>(positions);
    let done!: () => void;
    let failed!: (e: unknown) => void;
    const finished = new Promise<void>((res, rej) => {
      done = res;
      failed = rej;
    });
    const check = () => {
      if ([...ends].every(([k, end]) => (read.get(k) ?? 0n) >= end)) done();
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      const k = `${e.payload.topic}:${e.payload.partition}`;
      const n = BigInt(e.payload.lastOffset) + 1n;
      if (n > (read.get(k) ?? 0n)) read.set(k, n);
      check();
    });
    consumer.on(consumer.events.CRASH, (e) => failed(e.payload.error));
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const k = `${batch.topic}:${batch.partition}`;
        const from = positions.get(k) ?? 0n;
        const msgs = batch.messages.filter((m) => BigInt(m.offset) >= from);
        if (msgs.length === 0) return;
        const remote = `${source}.${batch.topic}`;
        const txn = await producer.transaction();
        try {
          const acks: RecordMetadata[] = await txn.send({
            topic: remote,
            acks: -1,
            messages: msgs.map((m) => ({ partition: batch.partition, key: m.key, value: m.value, timestamp: m.timestamp, headers: m.headers })),
          });
          const syncs = emitter.syncsFor([{ sourceTopic: batch.topic, remoteTopic: remote, partition: batch.partition, sourceOffsets: msgs.map((m) => BigInt(m.offset)) }], acks);
          const sm = emitter.messages(syncs);
          await txn.send({ topic: sm.topic, acks: -1, messages: sm.messages });
          const next = BigInt(msgs[msgs.length - 1]!.offset) + 1n;
          await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: remote, partitions: [{ partition: batch.partition, offset: String(next) }] }] });
          await txn.commit();
          positions.set(k, next);
        } catch (e) {
          await txn.abort().catch(() => undefined);
          throw e;
        }
      },
    });
    for (const [k, p] of positions) {
      const i = k.lastIndexOf(':');
      consumer.seek({ topic: k.slice(0, i), partition: Number(k.slice(i + 1)), offset: String(p) });
    }
    check();
    await finished;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await srcAdmin.disconnect();
    await dstAdmin.disconnect();
  }
}
