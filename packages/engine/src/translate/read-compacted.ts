import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { FerryError } from '../errors.ts';

/** Reads a topic from the beginning to the end seen at the call (read_committed; markers count as read). */
export async function readCompacted(
  kafka: Kafka,
  admin: Admin,
  topic: string,
  onRecord: (key: Buffer, value: Buffer | null) => void,
  timeoutMs = 60_000,
): Promise<void> {
  const ends = (await admin.fetchTopicOffsets(topic)).filter((o) => BigInt(o.high) > BigInt(o.low));
  if (ends.length === 0) return;
  const read = new Map<number, bigint>();
  const c = kafka.consumer({
    groupId: `ferry-reader.${randomBytes(6).toString('hex')}`,
    readUncommitted: false,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
  });
  let done!: () => void;
  let failed!: (e: unknown) => void;
  const finished = new Promise<void>((res, rej) => {
    done = res;
    failed = rej;
  });
  const check = () => {
    if (ends.every((o) => (read.get(o.partition) ?? 0n) >= BigInt(o.high))) done();
  };
  c.on(c.events.END_BATCH_PROCESS, (e) => {
    read.set(e.payload.partition, BigInt(e.payload.lastOffset) + 1n);
    check();
  });
  c.on(c.events.CRASH, (e) => failed(e.payload.error));
  const timer = setTimeout(
    () =>
      failed(
        new FerryError('READ_TIMEOUT', `reading ${topic} did not reach its end within ${timeoutMs} ms`, {
          retriable: true,
          context: { topic },
        }),
      ),
    timeoutMs,
  );
  try {
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) if (m.key) onRecord(m.key, m.value ?? null);
      },
    });
    await finished;
  } finally {
    clearTimeout(timer);
    await c.disconnect().catch(() => undefined);
  }
}
