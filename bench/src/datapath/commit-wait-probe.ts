// The wait the commit cadence controls, measured inside the task (issue #10, docs/benchmarks.md "Commit
// cadence"): an in-process flow east → west (exactly once, 1 task, the engine's defaults), a kafkajs producer
// writing `rate` records/s of 1 KiB into a 16-partition topic for `seconds`; the task's fetched chunks and its
// writes are watched (the prototypes are wrapped, nothing is changed). Per record: how long it waited from
// being handed to the task until its write started ("wait") and until that write was committed ("commit").
// End-to-end latency on this shared machine moves by seconds with the load; these two do not include the
// producer, the fetch or the reader. One JSON line.
// Extra mm2.properties keys (e.g. `commit.min.interval.ms=20`) come after the numbers.
//   node bench/src/datapath/commit-wait-probe.ts [rate=200] [seconds=10] [key=value ...]
import { loadavg } from 'node:os';
import { testCluster } from '@ferry/testkit/vitest';
import { Kafka, logLevel } from 'kafkajs';
import type { FetchedChunk } from '../../../packages/engine/src/datapath/assigned-fetch.ts';
import { BatchWriter } from '../../../packages/engine/src/datapath/batch-writer.ts';
import { createFlowRunner, parseMm2Config } from '../../../packages/engine/src/index.ts';
import { TaskRunner } from '../../../packages/engine/src/tasks/task-runner.ts';
import { closeAdmins, createTopic, deleteTopicsContaining } from './kafka-admin.ts';

const args = process.argv.slice(2);
const [rate = 200, seconds = 10] = args.filter((a) => !a.includes('=')).map(Number);
const extra = args.filter((a) => a.includes('=')).map((a) => a.split('=', 2) as [string, string]);
const east = testCluster('east').bootstrap;
const west = testCluster('west').bootstrap;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const arrivals: Array<{ at: number; records: number }> = [];
const waits: number[] = [];
const commits: number[] = [];
let writes = 0;
let measuring = false;

const proto = TaskRunner.prototype as unknown as { onChunk: (c: FetchedChunk) => Promise<void> };
const onChunk = proto.onChunk;
proto.onChunk = function (this: unknown, c: FetchedChunk) {
  const records = c.batches.reduce((n, b) => n + b.header.recordCount, 0);
  if (records > 0) arrivals.push({ at: Date.now(), records });
  return onChunk.call(this, c);
};
const write = BatchWriter.prototype.write;
BatchWriter.prototype.write = async function (this: BatchWriter, ...args: Parameters<BatchWriter['write']>) {
  const start = Date.now();
  const mine = arrivals.splice(0, arrivals.length);
  const r = await write.apply(this, args);
  const end = Date.now();
  if (measuring && mine.length > 0) {
    writes++;
    for (const a of mine)
      for (let i = 0; i < a.records; i++) {
        waits.push(start - a.at);
        commits.push(end - a.at);
      }
  }
  return r;
};

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};

const id = `cw${Date.now().toString(36)}`;
const topic = `${id}-t`;
await createTopic('east', topic, 16);
await sleep(2000); // every broker knows the topic before discovery asks one
const props = new Map([
  ['clusters', `${id},west`],
  [`${id}.bootstrap.servers`, east],
  ['west.bootstrap.servers', west],
  [`${id}->west.enabled`, 'true'],
  ['topics', topic],
  ['tasks.max', '1'],
  ['refresh.topics.enabled', 'false'],
  ['emit.checkpoints.enabled', 'false'],
  ...extra,
]);
const flow = parseMm2Config(props).flows[0]!;
const runner = createFlowRunner(flow);
const producer = new Kafka({ clientId: id, brokers: [east], logLevel: logLevel.NOTHING }).producer();
try {
  await runner.start();
  await producer.connect();
  await sleep(3000);
  const load1 = Number(loadavg()[0]!.toFixed(2));
  measuring = true;
  const value = Buffer.alloc(1024, 'x');
  const t0 = Date.now();
  const total = rate * seconds;
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    void producer.send({ topic, acks: 1, messages: [{ partition: i % 16, value }] });
  }
  await sleep(3000);
  measuring = false;
  console.log(
    JSON.stringify({
      rate,
      seconds,
      extra: Object.fromEntries(extra),
      load1,
      load1After: Number(loadavg()[0]!.toFixed(2)),
      records: waits.length,
      writes,
      writesPerSecond: Number((writes / seconds).toFixed(1)),
      waitP50: pct(waits, 50),
      waitP99: pct(waits, 99),
      commitP50: pct(commits, 50),
      commitP99: pct(commits, 99),
    }),
  );
} finally {
  await producer.disconnect().catch(() => undefined);
  await runner.stop();
  await deleteTopicsContaining('east', id);
  await deleteTopicsContaining('west', id);
  await closeAdmins();
}
