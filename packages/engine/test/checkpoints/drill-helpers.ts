import { waitFor } from '@ferry/testkit';
import { uniqueName } from '@ferry/testkit/vitest';
import type { Admin } from 'kafkajs';
import { createTopic, kafka } from '../helpers/kafka.ts';

export interface Rec {
  offset: bigint;
  key: string | null;
  value: string | null;
  rawKey?: Buffer | null;
  rawValue?: Buffer | null;
}

/** Every committed record of a topic with its offset, per partition (read_committed). */
export async function readAll(
  cluster: string,
  topic: string,
  expected: Map<number, number>,
  fromOffsets?: Map<number, bigint>,
  group?: string,
): Promise<Map<number, Rec[]>> {
  const c = kafka(cluster).consumer({
    groupId: group ?? uniqueName('drill-reader'),
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  });
  const got = new Map<number, Rec[]>();
  await c.connect();
  await c.subscribe({ topics: [topic], fromBeginning: true });
  await c.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      got.set(partition, [
        ...(got.get(partition) ?? []),
        {
          offset: BigInt(message.offset),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
        },
      ]);
    },
  });
  if (fromOffsets) for (const [p, o] of fromOffsets) c.seek({ topic, partition: p, offset: String(o) });
  try {
    await waitFor(async () => [...expected].every(([p, n]) => (got.get(p)?.length ?? 0) >= n), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: `${topic} on ${cluster}: ${[...expected].map(([p, n]) => `p${p}=${n}`).join(' ')} records, got ${[...got].map(([p, r]) => `p${p}=${r.length}`).join(' ')}`,
    });
  } finally {
    await c.disconnect();
  }
  return got;
}

export async function withAdmin<T>(cluster: string, fn: (a: Admin) => Promise<T>): Promise<T> {
  const a = kafka(cluster).admin();
  await a.connect();
  try {
    return await fn(a);
  } finally {
    await a.disconnect();
  }
}

/** Every committed record of a topic with its offset, up to the end seen at the call (markers count as read). */
export async function readToEnd(cluster: string, topic: string): Promise<Map<number, Rec[]>> {
  const ends = await withAdmin(cluster, (a) => a.fetchTopicOffsets(topic));
  const c = kafka(cluster).consumer({
    groupId: uniqueName('drill-end'),
    readUncommitted: false,
    maxWaitTimeInMs: 100,
  });
  const got = new Map<number, Rec[]>();
  const read = new Map<number, bigint>();
  c.on(c.events.END_BATCH_PROCESS, (e) => read.set(e.payload.partition, BigInt(e.payload.lastOffset) + 1n));
  await c.connect();
  await c.subscribe({ topics: [topic], fromBeginning: true });
  await c.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const r = {
        offset: BigInt(message.offset),
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        rawKey: message.key ?? null,
        rawValue: message.value ?? null,
      };
      // push, not spread: copying the list per record is quadratic (minutes on a 100k-record topic)
      const list = got.get(partition) ?? [];
      list.push(r);
      got.set(partition, list);
    },
  });
  try {
    await waitFor(
      () =>
        ends.every((o) => BigInt(o.high) <= BigInt(o.low) || (read.get(o.partition) ?? 0n) >= BigInt(o.high)),
      { timeoutMs: 60_000, intervalMs: 50, what: `${topic} on ${cluster} read to its end` },
    );
  } finally {
    await c.disconnect();
  }
  for (const o of ends) if (!got.has(o.partition)) got.set(o.partition, []);
  return got;
}

/** A compacted topic whose log really has offset gaps: produces until the cleaner removed old values. */
export async function compactedWithGaps(cluster: string, topic: string): Promise<void> {
  await createTopic(cluster, topic, 1, [
    { name: 'cleanup.policy', value: 'compact' },
    { name: 'segment.ms', value: '100' },
    { name: 'min.cleanable.dirty.ratio', value: '0.001' },
    { name: 'delete.retention.ms', value: '0' },
    { name: 'min.compaction.lag.ms', value: '0' },
  ]);
  const p = kafka(cluster).producer({ idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  let round = 0;
  try {
    await waitFor(
      async () => {
        // each round overwrites keys k0..k4 and adds a unique key: a rolled segment the cleaner can compact
        await p.send({
          topic,
          acks: -1,
          messages: [
            ...Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: `v${i}-r${round}` })),
            { key: `u${round}`, value: `unique-${round}` },
          ],
        });
        round++;
        if (round < 4) return false;
        const all = await readToEnd(cluster, topic);
        const offs = all.get(0)!.map((r) => r.offset);
        return offs.some((o, i) => i > 0 && o !== offs[i - 1]! + 1n);
      },
      { timeoutMs: 90_000, intervalMs: 700, what: `compaction of ${topic} to leave offset gaps` },
    );
  } finally {
    await p.disconnect();
  }
  // freeze the log: no more cleaning, so the gaps stay exactly where the test reads them
  await withAdmin(cluster, (a) =>
    a.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: 2,
          name: topic,
          configEntries: [
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'retention.ms', value: '-1' },
            { name: 'segment.ms', value: '604800000' },
          ],
        },
      ],
    }),
  );
  let last = '';
  await waitFor(
    async () => {
      const now = JSON.stringify((await readToEnd(cluster, topic)).get(0)!.map((r) => String(r.offset)));
      const stable = now === last;
      last = now;
      return stable;
    },
    { timeoutMs: 30_000, intervalMs: 1500, what: `${topic}: the cleaner to finish` },
  );
}
