import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClusterState,
  defaultStackOptions,
  kafkajsConfig,
  parseClusterSpecs,
  stackDown,
  stackUp,
} from '@ferry/testkit';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignedFetcher, type FetchedChunk } from '../../src/datapath/assigned-fetch.ts';
import { decodeRecords } from '../../src/records/decode.ts';
import { WireCluster } from '../../src/wire/cluster.ts';
import { createTopic, wireConfig } from '../wire/helpers.ts';

/*
 * A real broker restart (SIGKILL, then start on the same ports and data) while the fetcher reads: it must
 * reconnect, refresh metadata and continue from its positions — every offset exactly once. Uses its own
 * single-broker cluster on ports from 29900 (never the shared stack; below the ephemeral port range, where an
 * outgoing connection's local port once took 39420 and failed the port check), torn down afterwards.
 */
const opts = defaultStackOptions({
  stateDir: join(tmpdir(), `ferry-wire-restart-${process.pid}`),
  cacheDir: process.env.FERRY_JAR_CACHE ?? defaultStackOptions().cacheDir,
  portBase: 29900,
  heap: '384m',
});
const NAME = 'wirerestart';
let state: ClusterState;

beforeAll(async () => {
  [state] = (await stackUp(opts, parseClusterSpecs(NAME))) as [ClusterState];
}, 180_000);

afterAll(async () => {
  await stackDown(opts, [NAME], true).catch(() => undefined);
  rmSync(opts.stateDir, { recursive: true, force: true });
}, 60_000);

/** SIGKILL, wait until the port is free, start again on the same data (stackRestart checks the port too early). */
async function killAndRestart(): Promise<ClusterState> {
  if (state.pid) process.kill(state.pid, 'SIGKILL');
  const port = Number(state.bootstrap.split(':')[1]);
  for (let i = 0; i < 200; i++) {
    const free = await new Promise<boolean>((res) => {
      const srv = createServer();
      srv.once('error', () => res(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
    });
    if (free) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return (await stackUp(opts, parseClusterSpecs(NAME)))[0] as ClusterState;
}

describe('AssignedFetcher across a broker restart', () => {
  it('reconnects after the broker is killed and restarted, and delivers every offset exactly once', async () => {
    const topic = 'restart-topic';
    await createTopic(state, topic, 2);
    const producer = new kafkajs.Kafka(kafkajsConfig(state, 'restart-seed')).producer();
    await producer.connect();
    for (let i = 0; i < 200; i++)
      await producer.send({
        topic,
        messages: [{ partition: i % 2, key: `k${i}`, value: Buffer.alloc(300, i % 256) }],
      });
    await producer.disconnect();

    const cluster = new WireCluster({ ...wireConfig(state), requestTimeoutMs: 5000, connectTimeoutMs: 2000 });
    const chunks: FetchedChunk[] = [];
    const errors: unknown[] = [];
    const f = new AssignedFetcher({
      cluster,
      partitions: [
        { topic, partition: 0 },
        { topic, partition: 1 },
      ],
      positions: new Map(),
      startPosition: 'earliest',
      maxBytesPerPartition: 2000, // a few records per fetch
      maxWaitMs: 50,
      maxInFlightBytes: 1, // one chunk at a time, written slowly: the restart lands mid-read
      onChunk: async (c) => {
        chunks.push(c);
        await new Promise((r) => setTimeout(r, 100));
      },
      onError: (e) => errors.push(e),
    });
    await f.start();
    while (chunks.length < 4) await new Promise((r) => setTimeout(r, 20));
    state = await killAndRestart(); // down for the broker's start-up time
    const atRestart = chunks.length;
    const deadline = Date.now() + 90_000;
    while (!(f.position({ topic, partition: 0 }) === 100n && f.position({ topic, partition: 1 }) === 100n)) {
      if (Date.now() > deadline)
        throw new Error(
          `positions stuck at ${f.position({ topic, partition: 0 })}/${f.position({ topic, partition: 1 })}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
    await f.stop();
    await cluster.close();
    expect(errors).toEqual([]);
    expect(chunks.length).toBeGreaterThan(atRestart); // fetching went on after the restart
    for (const p of [0, 1]) {
      const seen: number[] = [];
      for (const c of chunks.filter((x) => x.partition === p))
        for (const b of c.batches)
          for (const r of decodeRecords(b)) if (r.offset >= c.fromOffset) seen.push(Number(r.offset));
      expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i));
    }
  }, 180_000);
});
