/*
 * How long transactions take on the shared stack's target when several writers commit at once (not a test; by
 * hand, from packages/engine):
 *   node test/datapath/txn-markers.probe.ts W P VALUE RECS GROUPS ROUNDS [WAIT]
 * W concurrent BatchWriters (own transactional ids), each writing ROUNDS transactions of one batch of RECS
 * records of VALUE bytes into each of its P partitions of a new topic on west (disjoint partitions), with the
 * positions (one group shared when GROUPS = 1, else one each); WAIT seconds after creating the topic. Prints
 * `start+duration` ms of each write: a write's AddPartitionsToTxn waits (CONCURRENT_TRANSACTIONS) until the
 * coordinator has written the previous transaction's markers, so a write's duration includes that.
 * docs/benchmarks.md ("1000p: profile and coalescing") has what it showed.
 */
import { createTopic } from '@ferry/testkit/records';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { BatchWriter } from '../../src/datapath/batch-writer.ts';
import { buildBatch, splitBatches } from '../../src/records/index.ts';
import { WireCluster } from '../../src/wire/index.ts';

const [W, P, VALUE, RECS, GROUPS, ROUNDS, WAIT = 0] = process.argv.slice(2).map(Number) as number[];
const dst = uniqueName('mk');
await createTopic(
  'west',
  dst,
  W! * P!,
  process.env.PROBE_INDEX_INTERVAL
    ? [{ name: 'index.interval.bytes', value: process.env.PROBE_INDEX_INTERVAL }]
    : [],
);
await new Promise((r) => setTimeout(r, WAIT * 1000));
const shared = uniqueName('mk-g');
const next = new Map<number, bigint>();
const batch = (p: number) => {
  const o = next.get(p) ?? 0n;
  next.set(p, o + BigInt(RECS!));
  const bytes = buildBatch(
    Array.from({ length: RECS! }, (_, i) => ({
      offset: o + BigInt(i),
      timestamp: BigInt(Date.now()),
      key: null,
      value: Buffer.alloc(VALUE!, 1),
      headers: [],
    })),
    {
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      transactional: false,
      compression: 'none',
      timestampType: 'create',
      baseOffset: o,
    },
  );
  return splitBatches(bytes).batches[0]!;
};
const t00 = performance.now();
await Promise.all(
  Array.from({ length: W! }, async (_, w) => {
    const target = new WireCluster({ bootstrap: [testCluster('west').bootstrap], clientId: `mk${w}` });
    const writer = new BatchWriter({
      cluster: target,
      transactionalId: uniqueName(`mk-txn${w}`),
      positionsGroup: GROUPS === 1 ? shared : uniqueName('mk-g'),
    });
    await writer.start();
    const parts = Array.from({ length: P! }, (_, i) => w * P! + i);
    const write = () =>
      writer.write(
        parts.map((p) => ({
          remoteTopic: dst,
          partition: p,
          sourceTopic: 's',
          maxMessageBytes: 1 << 20,
          batches: [batch(p)],
        })),
        parts.map((p) => ({ remoteTopic: dst, partition: p, next: next.get(p)! })),
      );
    const ts: string[] = [];
    for (let i = 0; i < ROUNDS!; i++) {
      const t = performance.now();
      await write();
      ts.push(`${Math.round(t - t00)}+${Math.round(performance.now() - t)}`);
    }
    console.log(`writer ${w}: ${ts.join(' ')}`);
    await target.close();
  }),
);
