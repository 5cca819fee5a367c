/**
 * One fetch loop, measured (ADR 0002): read a seeded topic to its end with
 *   ferry        AssignedFetcher over Ferry's wire layer (raw batches, headers split, records not decoded)
 *   platformatic @platformatic/kafka's exported protocol layer: its Connection + fetchV17 API (it decodes every
 *                record of every batch; that is what its Fetch parser does)
 * Usage: node packages/engine/test/wire/bench-fetch.ts <cluster> [records=50000] [valueBytes=1024] [runs=2]
 */
import { cpuUsage } from 'node:process';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { fetchV17, Connection as PConnection } from '@platformatic/kafka';
import { AssignedFetcher } from '../../src/datapath/assigned-fetch.ts';
import { produceApi } from '../../src/wire/apis/produce.ts';
import { WireCluster } from '../../src/wire/cluster.ts';
import { batch, createTopic, wireConfig } from './helpers.ts';

const [name = 'east', nArg = '50000', sizeArg = '1024', runsArg = '2'] = process.argv.slice(2);
const N = Number(nArg);
const SIZE = Number(sizeArg);
const PARTS = 4;
const state = testCluster(name);

const topic = uniqueName('bench-fetch');
await createTopic(state, topic, PARTS);
const cluster = new WireCluster(wireConfig(state, 'bench'));
await cluster.metadata([topic], { refresh: true });
{
  const leader = await cluster.leaderFor(topic, 0);
  const value = Buffer.alloc(SIZE, 120);
  for (let start = 0; start < N; start += 500 * PARTS) {
    const partitions = [];
    for (let p = 0; p < PARTS; p++) {
      const recs = [];
      for (let i = 0; i < 500; i++)
        recs.push({
          offset: BigInt(i),
          timestamp: BigInt(Date.now()),
          key: Buffer.from(`k${start + i}`),
          value,
          headers: [] as Array<[string, Buffer | null]>,
        });
      partitions.push({ index: p, records: batch(recs) });
    }
    await leader.send(produceApi, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 30000,
      topics: [{ name: topic, partitions }],
    });
  }
}
const md = await cluster.metadata([topic], { refresh: true });
const info = md.topics.get(topic);
if (!info) throw new Error('no topic');
const total = Math.ceil(N / (500 * PARTS)) * 500 * PARTS;
const bytes = total * (SIZE + 80);

async function ferry(): Promise<number> {
  const c = new WireCluster(wireConfig(state, 'bench-ferry'));
  let got = 0n;
  let resolve: () => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const done = {
    promise: new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    }),
    resolve: () => resolve(),
    reject: (e: unknown) => reject(e),
  };
  const f = new AssignedFetcher({
    cluster: c,
    partitions: Array.from({ length: PARTS }, (_, partition) => ({ topic, partition })),
    positions: new Map(),
    startPosition: 'earliest',
    maxBytesPerPartition: 1 << 20,
    maxWaitMs: 100,
    onChunk: async (ch) => {
      got += ch.nextOffset - ch.fromOffset;
      if (got >= BigInt(total)) done.resolve();
    },
    onError: (e) => done.reject(e),
  });
  const t0 = performance.now();
  await f.start();
  await done.promise;
  const ms = performance.now() - t0;
  await f.stop();
  await c.close();
  return ms;
}

async function platformatic(): Promise<number> {
  const conn = new PConnection('bench-platformatic');
  const [host, port] = state.bootstrap.split(':');
  await conn.connect(host as string, Number(port));
  const positions = new Array<bigint>(PARTS).fill(0n);
  let got = 0;
  const t0 = performance.now();
  while (got < total) {
    const res = await fetchV17.api.async(
      conn,
      100,
      1,
      16 << 20,
      1,
      0,
      -1,
      [
        {
          topicId: info?.topicId as string,
          partitions: positions.map((fetchOffset, partition) => ({
            partition,
            currentLeaderEpoch: -1,
            fetchOffset,
            lastFetchedEpoch: -1,
            partitionMaxBytes: 1 << 20,
          })),
        },
      ],
      [],
      '',
    );
    for (const t of res.responses)
      for (const p of t.partitions)
        for (const b of p.records ?? []) {
          positions[p.partitionIndex] = b.firstOffset + BigInt(b.lastOffsetDelta) + 1n;
          got += b.records.length;
        }
  }
  const ms = performance.now() - t0;
  await conn.close();
  return ms;
}

for (let run = 0; run < Number(runsArg); run++)
  for (const [label, fn] of [
    ['ferry', ferry],
    ['platformatic', platformatic],
  ] as const) {
    const c0 = cpuUsage();
    const ms = await fn();
    const cpu = cpuUsage(c0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    process.stdout.write(
      `${JSON.stringify({ run, client: label, cluster: name, records: total, valueBytes: SIZE, ms: Math.round(ms), recordsPerSec: Math.round((total / ms) * 1000), MBps: +(bytes / ms / 1000).toFixed(1), cpuOfOneCore: +(cpuMs / ms).toFixed(2) })}\n`,
    );
  }
await cluster.close();
