import { randomBytes } from 'node:crypto';
import { waitFor } from '@ferry/testkit';
import { uniqueName } from '@ferry/testkit/vitest';
import type { RecordMetadata } from 'kafkajs';
import { OffsetSyncEmitter } from '../../src/offset-syncs/index.ts';
import { positionsGroup } from '../../src/positions/positions.ts';
import { kafka } from '../helpers/kafka.ts';

/**
 * TEST-ONLY stand-in for the data path: copies source partitions to the same partitions of `<source>.<topic>`
 * (`<sourceAlias>.<topic>`) on the target, one Kafka transaction per fetched batch holding the records, the exact offset syncs (through the
 * same `OffsetSyncEmitter` the data-path hook uses) and the positions — as the engine's TargetWriter does.
 * Resumes from the positions group; returns once every partition is copied up to the source end seen at start.
 */
export async function copyTopics(
  source: string,
  target: string,
  topics: string[],
  opts: { sourceAlias?: string; targetAlias?: string } = {},
): Promise<void> {
  const sa = opts.sourceAlias ?? source;
  const ta = opts.targetAlias ?? target;
  const src = kafka(source);
  const dst = kafka(target);
  const srcAdmin = src.admin();
  const dstAdmin = dst.admin();
  await srcAdmin.connect();
  await dstAdmin.connect();
  const group = positionsGroup(sa, ta);
  const emitter = new OffsetSyncEmitter(sa, (remote) => remote.slice(sa.length + 1));
  await emitter.prepare(dst);
  const producer = dst.producer({
    transactionalId: `test-copy.${source}.${target}.${randomBytes(3).toString('hex')}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const consumer = src.consumer({
    groupId: uniqueName('copy'),
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  });
  try {
    const ends = new Map<string, bigint>();
    const positions = new Map<string, bigint>();
    for (const topic of topics) {
      for (const o of await srcAdmin.fetchTopicOffsets(topic))
        ends.set(`${topic}:${o.partition}`, BigInt(o.high));
      const remote = `${sa}.${topic}`;
      for (const t of await dstAdmin.fetchOffsets({ groupId: group, topics: [remote] })) {
        for (const p of t.partitions)
          if (p.offset !== '-1') positions.set(`${topic}:${p.partition}`, BigInt(p.offset));
      }
    }
    const read = new Map<string, bigint>(positions);
    /** Last offset written per target `topic:partition`: copyTopics returns once all of it is visible. */
    const written = new Map<string, bigint>();
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
        const remote = `${sa}.${batch.topic}`;
        const txn = await producer.transaction();
        try {
          const acks: RecordMetadata[] = await txn.send({
            topic: remote,
            acks: -1,
            messages: msgs.map((m) => ({
              partition: batch.partition,
              key: m.key,
              value: m.value,
              timestamp: m.timestamp,
              headers: m.headers,
            })),
          });
          const sm = emitter.forRound(
            msgs.map((m) => ({
              remoteTopic: remote,
              partition: batch.partition,
              record: { offset: BigInt(m.offset) },
            })),
            acks,
          );
          if (sm) {
            const syncAcks = await txn.send({ topic: sm.topic, acks: -1, messages: sm.messages });
            for (const a of syncAcks)
              written.set(
                `${a.topicName}:${a.partition}`,
                BigInt(a.baseOffset!) + BigInt(sm.messages.length) - 1n,
              );
          }
          for (const a of acks)
            written.set(`${a.topicName}:${a.partition}`, BigInt(a.baseOffset!) + BigInt(msgs.length) - 1n);
          const next = BigInt(msgs[msgs.length - 1]!.offset) + 1n;
          await txn.sendOffsets({
            consumerGroupId: group,
            topics: [{ topic: remote, partitions: [{ partition: batch.partition, offset: String(next) }] }],
          });
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
    // a commit's markers are written asynchronously: wait until the last stable offsets pass what was written
    await waitFor(
      async () => {
        for (const [k, last] of written) {
          const i = k.lastIndexOf(':');
          const offs = await dstAdmin.fetchTopicOffsets(k.slice(0, i));
          if (BigInt(offs.find((o) => o.partition === Number(k.slice(i + 1)))!.high) <= last) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: 'the copied records to become visible (read_committed)' },
    );
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await srcAdmin.disconnect();
    await dstAdmin.disconnect();
  }
}
