// node test/datapath/seed-raw.ts <topic> <partitions> <records> <valueBytes> <recordsPerBatch>
// Seeds a topic on the test stack's east with raw v2 batches (uncompressed; 16 records of 1 KiB ≈ the Java
// producer's default batch.size) for profiling `ferry run` (test/datapath/ferry-run-perf.ts). Not a test.
import { testCluster } from '@ferry/testkit/vitest';
import { buildBatch } from '../../src/records/build.ts';
import { produceApi } from '../../src/wire/apis/index.ts';
import { WireCluster } from '../../src/wire/cluster.ts';
import { createTopic, wireConfig } from '../wire/helpers.ts';

const [topic, parts, n, size, per] = process.argv.slice(2);
const P = Number(parts),
  N = Number(n),
  S = Number(size),
  B = Number(per);
await createTopic(testCluster('east'), topic!, P);
const c = new WireCluster(wireConfig(testCluster('east')));
await new Promise((r) => setTimeout(r, 2000));
const conn = await c.leaderFor(topic!, 0);
const value = Buffer.alloc(S, 120);
let written = 0;
const ts = BigInt(Date.now());
const inflight: Promise<unknown>[] = [];
while (written < N) {
  const partitions = [];
  for (let p = 0; p < P && written < N; p++) {
    const recs = [];
    for (let i = 0; i < B && written < N; i++, written++)
      recs.push({
        offset: BigInt(i),
        timestamp: ts + BigInt(written),
        key: Buffer.from(`k${written}`),
        value,
        headers: [['h', Buffer.from('v')]] as [string, Buffer][],
      });
    partitions.push({
      index: p,
      records: buildBatch(recs, {
        compression: 'none',
        timestampType: 'create',
        producerId: -1n,
        producerEpoch: -1,
        baseSequence: -1,
        transactional: false,
      }),
    });
  }
  inflight.push(
    conn
      .send(produceApi, {
        transactionalId: null,
        acks: 1,
        timeoutMs: 30000,
        topics: [{ name: topic!, partitions }],
      })
      .then((r) => {
        for (const t of r.responses)
          for (const p of t.partitions) if (p.errorCode) throw new Error(`produce ${p.errorCode}`);
      }),
  );
  if (inflight.length >= 5) await inflight.shift();
}
await Promise.all(inflight);
await c.close();
console.log(`seeded ${topic}: ${written} records of ${S} bytes, ${B} per batch`);
