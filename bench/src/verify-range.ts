// Throughput of `ferry verify` (whole-range verification) on N replicated records, against the test stack.
//   BENCH_RECORDS=10000000 node bench/src/verify-range.ts
// Seeds a source topic with small records (64-byte values, keys, one header), replicates it with the
// engine (exactly-once, tasks.max = partitions), then times verifyFlowRange over the whole range: the
// phases, records/s (source records compared; both sides are read) and the process's peak RSS.
// BENCH_SEED=java: seed with the Java client instead (BenchTool: BENCH_RECORD_BYTES-byte values, default
// 100, keys "k<i % 1,000,000>", one header, BENCH_COMPRESSION, default lz4): far faster for 10 M records.
// BENCH_VERIFY=0: seed and replicate only (with BENCH_KEEP=1, for later runs with BENCH_TOPIC).
// BENCH_LAST=N: verify only the last N records of each partition.
import { execFileSync } from 'node:child_process';
import { kafkajsConfig } from '@ferry/testkit';
import { ensureTestStack, testCluster } from '@ferry/testkit/vitest';
import kafkajs from 'kafkajs';
import {
  createFlowRunner,
  parseMm2Config,
  positionsGroup,
  verifyFlowRange,
} from '../../packages/engine/src/index.ts';
import { seedTopic } from './datapath/java.ts';

const { Kafka, logLevel } = kafkajs;
const N = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 8);
/** BENCH_TOPIC: verify a topic an earlier run produced and replicated (skips both). */
const existing = process.env.BENCH_TOPIC;
const topic = existing ?? `vbench-${Date.now().toString(36)}`;
const remote = `east.${topic}`;
const log = (m: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${m}`);

await ensureTestStack();
const k = (c: string) =>
  new Kafka({ ...kafkajsConfig(testCluster(c), 'vbench'), logLevel: logLevel.NOTHING });
const admin = k('east').admin();
await admin.connect();
if (!existing)
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
const t0 = Date.now();
const producer = k('east').producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const value = Buffer.alloc(64, 'v');
const BATCH = 20_000;
const javaSeed = process.env.BENCH_SEED === 'java';
if (javaSeed && !existing) {
  const r = await seedTopic({
    bootstrap: testCluster('east').bootstrap,
    topic,
    records: N,
    recordBytes: Number(process.env.BENCH_RECORD_BYTES ?? 100),
    partitions: PARTITIONS,
    compression: process.env.BENCH_COMPRESSION ?? 'lz4',
    keySpace: 1_000_000,
    txnRecords: 0,
    abortEvery: 0,
    headers: true,
  });
  log(`java seed: ${JSON.stringify(r)}`);
}
for (let i = 0; i < (existing || javaSeed ? 0 : N); i += BATCH) {
  const messages = Array.from({ length: Math.min(BATCH, N - i) }, (_, j) => ({
    partition: (i + j) % PARTITIONS,
    key: `k${(i + j) % 1000}`,
    value,
    headers: { h: `${i + j}` },
  }));
  await producer.send({ topic, acks: -1, messages });
  if ((i / BATCH) % 50 === 0) log(`produced ${i + messages.length}`);
}
await producer.disconnect();
log(`produced ${N} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);

const flow = parseMm2Config(
  new Map([
    ['clusters', 'east,west'],
    ['east.bootstrap.servers', testCluster('east').bootstrap],
    ['west.bootstrap.servers', testCluster('west').bootstrap],
    ['east->west.enabled', 'true'],
    ['east->west.topics', topic],
    ['tasks.max', String(PARTITIONS)],
    ['replication.factor', '1'],
  ]),
).flows[0]!;
const r0 = Date.now();
const runner = createFlowRunner(flow, {
  onEvent: (e) => {
    if (e.type === 'task-error' || e.type === 'discovery-error') log(`${e.type}: ${e.error.message}`);
  },
});
if (!existing) await runner.start();
const tadmin = k('west').admin();
await tadmin.connect();
const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
/** Replication on a loaded machine can be slow: after BENCH_REPLICATE_S, verify what was replicated. */
const replicateUntil = Date.now() + Number(process.env.BENCH_REPLICATE_S ?? 900) * 1000;
for (;;) {
  const [t] = await tadmin
    .fetchOffsets({ groupId: positionsGroup('east', 'west'), topics: [remote] })
    .catch(() => []);
  const done = [...ends].reduce(
    (n, [p]) => n + Math.max(0, Number(t?.partitions.find((x) => x.partition === p)?.offset ?? 0)),
    0,
  );
  if (existing || done >= N || Date.now() > replicateUntil) break;
  log(`replicated ${done}`);
  await new Promise((r) => setTimeout(r, 10_000));
}
await runner.stop();
log(`replicated ${N} in ${((Date.now() - r0) / 1000).toFixed(0)} s`);
if (process.env.BENCH_VERIFY === '0') {
  log(`topic ${topic} (not verified)`);
  await admin.disconnect();
  await tadmin.disconnect();
  process.exit(0);
}

const v0 = Date.now();
const rssBefore = process.memoryUsage().rss;
let peak = 0;
const rss = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 200);
const report = await verifyFlowRange(flow, {
  topics: { [topic]: PARTITIONS },
  ...(process.env.BENCH_LAST ? { last: Number(process.env.BENCH_LAST) } : {}),
  onProgress: (p) => log(`verify ${p.phase} ${p.records}${p.total ? `/${p.total}` : ''}`),
});
clearInterval(rss);
const secs = (Date.now() - v0) / 1000;
const result = {
  topic,
  records: report.totals.records,
  produced: N,
  partitions: PARTITIONS,
  ok: report.ok,
  verifySeconds: Math.round(secs * 10) / 10,
  recordsPerSec: Math.round(report.totals.records / secs),
  peakRssMb: Math.round(peak / 1048576),
  rssBeforeVerifyMb: Math.round(rssBefore / 1048576),
  load: execFileSync('cat', ['/proc/loadavg']).toString().trim(),
};
console.log(JSON.stringify(result));
if (process.env.BENCH_KEEP !== '1') {
  await admin.deleteTopics({ topics: [topic] }).catch(() => {});
  await tadmin.deleteTopics({ topics: [remote] }).catch(() => {});
}
await admin.disconnect();
await tadmin.disconnect();
process.exit(report.ok ? 0 : 1);
