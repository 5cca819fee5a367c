// One task's exactly-once write, timed alone (issue #10, docs/benchmarks.md "Transactions V2"): the writer of the
// data path (BatchWriter) against a target cluster, back-to-back writes shaped like a task's under the latency
// phase (16 partitions of one remote topic, `records` 1 KiB records per partition per write, the positions, one
// offset-sync record per batch into a second topic). The transaction protocols compared in one run, in blocks
// that alternate (so both see the same load): V1 (AddPartitionsToTxn, produce by name, the topic-id checks) and
// V2 where the target offers it (Produce v13 by id, no AddPartitionsToTxn, no id checks). No fetch, no reader:
// the write's own latency, the round trips Ferry controls. One JSON line: per protocol p50/p99/max ms.
//   node bench/src/datapath/write-latency-probe.ts [cluster=west] [writes=300] [records=3] [block=25]
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { testCluster } from '@ferry/testkit/vitest';
import { BatchWriter, type WriteItem } from '../../../packages/engine/src/datapath/batch-writer.ts';
import { buildBatch, type RawBatch, splitBatches } from '../../../packages/engine/src/records/index.ts';
import { WireCluster } from '../../../packages/engine/src/wire/index.ts';
import { closeAdmins, createTopic, deleteTopicsContaining } from './kafka-admin.ts';

const [cluster = 'west', writesArg = '300', recordsArg = '3', blockArg = '25'] = process.argv.slice(2);
const writes = Number(writesArg);
const perPartition = Number(recordsArg);
const block = Number(blockArg);
const PARTITIONS = 16;
const bootstrap = testCluster(cluster).bootstrap;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Number((s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0).toFixed(1));
}

function batchOf(n: number, at: bigint): RawBatch {
  const value = Buffer.alloc(1024, 120);
  const bytes = buildBatch(
    Array.from({ length: n }, (_, i) => ({
      offset: at + BigInt(i),
      timestamp: BigInt(Date.now()),
      key: null,
      value,
      headers: [],
    })),
    {
      compression: 'none',
      timestampType: 'create',
      producerId: -1n,
      producerEpoch: -1,
      baseSequence: -1,
      transactional: false,
    },
  );
  return splitBatches(bytes).batches[0]!;
}

const base = `wlp-${randomUUID().slice(0, 8)}`;
const syncs = `${base}-syncs`;
await createTopic(cluster, syncs, 1);
const sides = await Promise.all(
  (['v1', 'v2'] as const).map(async (name) => {
    // each its own remote topic
    const target = `${base}-${name}`;
    await createTopic(cluster, target, PARTITIONS);
    const wire = new WireCluster({ bootstrap: [bootstrap], clientId: `${base}-${name}` });
    const w = new BatchWriter({
      cluster: wire,
      transactionalId: `${base}-${name}`,
      positionsGroup: `${base}-${name}`,
      transactionVersion: name === 'v1' ? 1 : 'auto',
    });
    await w.start();
    return { name, target, w, wire, next: new Array<bigint>(PARTITIONS).fill(0n), ms: [] as number[] };
  }),
);
try {
  for (let done = 0; done < writes; done += block)
    for (const s of sides)
      for (let i = 0; i < block; i++) {
        const items: WriteItem[] = Array.from({ length: PARTITIONS }, (_, partition) => ({
          remoteTopic: s.target,
          partition,
          sourceTopic: 'source',
          maxMessageBytes: 1 << 20,
          batches: [batchOf(perPartition, s.next[partition]!)],
        }));
        const positions = items.map((it) => ({
          remoteTopic: s.target,
          partition: it.partition,
          next: s.next[it.partition]! + BigInt(perPartition),
        }));
        const t0 = performance.now();
        await s.w.write(
          items,
          positions,
          (written) => [
            {
              topic: syncs,
              partition: 0,
              records: written.map((b, j) => ({
                offset: BigInt(j),
                timestamp: BigInt(Date.now()),
                key: Buffer.from(`${b.partition}`),
                value: Buffer.from(String(b.targetBaseOffset)),
                headers: [],
              })),
            },
          ],
          [{ topic: syncs, partition: 0 }],
        );
        s.ms.push(performance.now() - t0);
        for (const p of positions) s.next[p.partition] = p.next;
      }
  const out: Record<string, unknown> = {
    cluster,
    bootstrap,
    writes,
    recordsPerPartition: perPartition,
    load1: loadavg()[0],
  };
  for (const s of sides) {
    const st = s.w.stats();
    out[s.name] = {
      protocol: s.w.transactionVersion,
      p50: quantile(s.ms, 0.5),
      p99: quantile(s.ms, 0.99),
      max: quantile(s.ms, 1),
      mean: Number((s.ms.reduce((a, b) => a + b, 0) / s.ms.length).toFixed(1)),
      aborted: st.abortedTransactions,
    };
  }
  console.log(JSON.stringify(out));
} finally {
  for (const s of sides) {
    await s.w.stop();
    await s.wire.close();
  }
  await deleteTopicsContaining(cluster, base);
  await closeAdmins();
}
