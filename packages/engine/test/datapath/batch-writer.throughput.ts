/*
 * Write-half throughput of BatchWriter on the shared stack (not a test; run by hand):
 *   cd packages/engine && node test/datapath/batch-writer.throughput.ts [records=100000] [partitions=4] [east west]
 * Seeds `records` × 1 KiB with the Java producer (lz4), fetches every batch raw into memory, then times writing
 * them to the target: transactions of ~4 MiB across all partitions (exactly-once), positions in each.
 */
import { createTopic } from '@ferry/testkit/records';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { BatchWriter, type WriteItem } from '../../src/datapath/batch-writer.ts';
import { type RawBatch, splitBatches } from '../../src/records/index.ts';
import { fetchApi, READ_COMMITTED, WireCluster } from '../../src/wire/index.ts';
import { javaProduce } from '../records/java-tool.ts';

const [n = '100000', parts = '4', from = 'east', to = 'west', codec = 'lz4'] = process.argv.slice(2);
const records = Number(n);
const partitions = Number(parts);
const FROM = testCluster(from).bootstrap;
const TO = testCluster(to).bootstrap;
const src = uniqueName('tp-src');
const dst = `${from}.${src}`;
await createTopic(from, src, partitions);
await createTopic(to, dst, partitions);
await Promise.all(
  Array.from({ length: partitions }, (_, p) =>
    javaProduce(FROM, src, p, Math.ceil(records / partitions), codec, { batchSize: 65536 }),
  ),
);

const source = new WireCluster({ bootstrap: [FROM], clientId: 'tp' });
const target = new WireCluster({ bootstrap: [TO], clientId: 'tp' });
const md = await source.metadata([src], { refresh: true });
const topicId = md.topics.get(src)!.topicId;
const all: RawBatch[][] = [];
let sourceBytes = 0;
for (let p = 0; p < partitions; p++) {
  const list: RawBatch[] = [];
  let offset = 0n;
  for (;;) {
    const conn = await source.leaderFor(src, p);
    const res = await conn.send(fetchApi, {
      maxWaitMs: 10,
      minBytes: 1,
      maxBytes: 8 << 20,
      isolationLevel: READ_COMMITTED,
      topics: [
        {
          topic: src,
          topicId,
          partitions: [{ partition: p, fetchOffset: offset, partitionMaxBytes: 8 << 20 }],
        },
      ],
    });
    const part = res.responses[0]!.partitions[0]!;
    if (offset >= part.highWatermark) break;
    for (const b of splitBatches(part.records ?? Buffer.alloc(0)).batches) {
      if (b.header.baseOffset + BigInt(b.header.lastOffsetDelta) < offset) continue;
      list.push({ header: b.header, bytes: Buffer.from(b.bytes) });
      sourceBytes += b.bytes.length;
      offset = b.header.baseOffset + BigInt(b.header.lastOffsetDelta) + 1n;
    }
  }
  all.push(list);
}

const writer = new BatchWriter({
  cluster: target,
  transactionalId: uniqueName('tp-txn'),
  positionsGroup: uniqueName('tp-pos'),
});
await writer.start();
const cursor = all.map(() => 0);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let txns = 0;
const times: number[] = [];
for (;;) {
  const items: WriteItem[] = [];
  const positions: Array<{ remoteTopic: string; partition: number; next: bigint }> = [];
  for (let p = 0; p < partitions; p++) {
    const batches: RawBatch[] = [];
    let bytes = 0;
    while (cursor[p]! < all[p]!.length && bytes < (4 << 20) / partitions) {
      const b = all[p]![cursor[p]!++]!;
      batches.push(b);
      bytes += b.bytes.length;
    }
    if (batches.length === 0) continue;
    items.push({ remoteTopic: dst, partition: p, sourceTopic: src, maxMessageBytes: 1 << 20, batches });
    const h = batches.at(-1)!.header;
    positions.push({ remoteTopic: dst, partition: p, next: h.baseOffset + BigInt(h.lastOffsetDelta) + 1n });
  }
  if (items.length === 0) break;
  const tw = performance.now();
  await writer.write(items, positions);
  times.push(Math.round(performance.now() - tw));
  txns++;
}
const s = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const uncompressed = records * 1100;
console.log(
  JSON.stringify({
    pair: `${from}->${to}`,
    codec,
    records,
    partitions,
    batches: all.flat().length,
    transactions: txns,
    seconds: Number(s.toFixed(2)),
    wireMBps: Number((sourceBytes / (1 << 20) / s).toFixed(1)),
    recordsPerSec: Math.round(records / s),
    approxPayloadMBps: Number((uncompressed / (1 << 20) / s).toFixed(1)),
    cpuOfOneCore: `${Math.round(((cpu.user + cpu.system) / 1e6 / s) * 100)}%`,
    msPerTransaction: times,
    stats: writer.stats(),
  }),
);
await source.close();
await target.close();
