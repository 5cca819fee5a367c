import type { Admin } from 'kafkajs';
import type { ClusterConfig } from '../config/flow-config.ts';
import { AssignedFetcher } from '../datapath/assigned-fetch.ts';
import { FerryError } from '../errors.ts';
import { wireConfigFor } from '../kafka/client.ts';
import { decodeRecords } from '../records/index.ts';
import { WireCluster } from '../wire/index.ts';

/**
 * Reads a topic from the beginning to the end seen at the call (read_committed; markers count as read), by
 * assignment over Ferry's wire layer: no consumer group, nothing written to the cluster read.
 */
export async function readCompacted(
  cluster: ClusterConfig,
  admin: Admin,
  topic: string,
  onRecord: (key: Buffer, value: Buffer | null) => void,
  timeoutMs = 60_000,
): Promise<void> {
  const ends = (await admin.fetchTopicOffsets(topic)).filter((o) => BigInt(o.high) > BigInt(o.low));
  if (ends.length === 0) return;
  const read = new Map<number, bigint>();
  let done!: () => void;
  let failed!: (e: unknown) => void;
  const finished = new Promise<void>((res, rej) => {
    done = res;
    failed = rej;
  });
  const check = () => {
    if (ends.every((o) => (read.get(o.partition) ?? 0n) >= BigInt(o.high))) done();
  };
  const wire = new WireCluster(wireConfigFor(cluster, `ferry-reader.${cluster.alias}`));
  const fetcher = new AssignedFetcher({
    cluster: wire,
    partitions: ends.map((o) => ({ topic, partition: o.partition })),
    positions: new Map(),
    startPosition: 'earliest',
    maxBytesPerPartition: 1 << 20,
    maxWaitMs: 100,
    onChunk: async (c) => {
      for (const b of c.batches) for (const m of await decodeRecords(b)) if (m.key) onRecord(m.key, m.value);
      read.set(c.partition, c.nextOffset);
      check();
    },
    onGap: (g) => {
      read.set(g.partition, g.to);
      check();
    },
    onError: (e) => failed(e),
  });
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
    await fetcher.start();
    await finished;
  } finally {
    clearTimeout(timer);
    await fetcher.stop().catch(() => undefined);
    await wire.close().catch(() => undefined);
  }
}
