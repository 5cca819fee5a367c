// Throughput of one `ferry run` task with 1 KiB records, against the test stack.
//   npm run bench            (from the repo root; or: cd bench && npm run bench)
//   BENCH_RECORDS=200000 BENCH_PAIRS=east:west BENCH_MODES=exactly-once BENCH_MM2=1 npm run bench
// Seeds a source topic, runs the real CLI with tasks.max=1, and times it from the first to the last commit
// (steady state) and from process start (including start-up). Prints a table; writes JSON to bench/results/.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kafkajsConfig } from '@ferry/testkit';
import { ensureTestStack, testCluster } from '@ferry/testkit/vitest';
import kafkajs from 'kafkajs';
import { runMm2 } from './mm2.ts';

const { Kafka, logLevel } = kafkajs;
const here = dirname(fileURLToPath(import.meta.url));
const FERRY = resolve(here, '../../packages/cli/bin/ferry.js');
const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const RECORD_SIZE = 1024;
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 4);
const PAIRS = (process.env.BENCH_PAIRS ?? 'east:west,east39:west39')
  .split(',')
  .map((p) => p.split(':') as [string, string]);
const MODES = (process.env.BENCH_MODES ?? 'exactly-once,at-least-once').split(',');
/** BENCH_MM2=1 adds Apache MirrorMaker 2 (dedicated mode, one task) on the first pair. */
const WITH_MM2 = process.env.BENCH_MM2 === '1';

interface Result {
  pair: string;
  kafka: string;
  mode: string;
  records: number;
  recordBytes: number;
  partitions: number;
  steadySeconds: number;
  totalSeconds: number;
  recordsPerSec: number;
  mbPerSec: number;
  cpuPercent: number;
  transactions: number;
}

async function seed(source: string, topic: string): Promise<void> {
  const kafka = new Kafka({
    ...kafkajsConfig(testCluster(source), 'ferry-bench'),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const p = kafka.producer();
  await p.connect();
  const value = Buffer.alloc(RECORD_SIZE, 'x');
  const chunk = 800; // stays under the broker's 1 MB request limit per partition batch
  for (let i = 0; i < RECORDS; i += chunk) {
    const n = Math.min(chunk, RECORDS - i);
    await p.send({
      topic,
      acks: 1,
      messages: Array.from({ length: n }, (_, j) => ({
        key: `k${i + j}`,
        value,
        partition: (i + j) % PARTITIONS,
      })),
    });
  }
  await p.disconnect();
}

function cpuTicks(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime, clock ticks
}

async function runOnce(source: string, target: string, mode: string): Promise<Result> {
  const topic = `bench-${Date.now().toString(36)}`;
  process.stderr.write(`bench: seeding ${RECORDS} x ${RECORD_SIZE} B into ${source}/${topic}\n`);
  await seed(source, topic);
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const file = join(dir, 'mm2.properties');
  writeFileSync(
    file,
    [
      `clusters = ${source}, ${target}`,
      `${source}.bootstrap.servers = ${testCluster(source).bootstrap}`,
      `${target}.bootstrap.servers = ${testCluster(target).bootstrap}`,
      `${source}->${target}.enabled = true`,
      `topics = ${topic}`,
      'tasks.max = 1',
      `exactly.once = ${mode === 'exactly-once'}`,
      'refresh.topics.enabled = false',
    ].join('\n'),
  );
  process.stderr.write(`bench: ferry run ${source}->${target} (${mode}, one task)\n`);
  const started = performance.now();
  const child = spawn(process.execPath, [FERRY, 'run', file, '--json', '--progress-interval', '60'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let copied = 0;
  let transactions = 0;
  let first = 0;
  let last = 0;
  let cpu = 0;
  let buf = '';
  await new Promise<void>((done, fail) => {
    child.on('exit', (code) =>
      copied >= RECORDS ? done() : fail(new Error(`ferry run exited (${code}) after ${copied} records`)),
    );
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (!l.startsWith('{"type":"committed"')) continue;
        const e = JSON.parse(l) as { records: number };
        if (first === 0) first = performance.now();
        copied += e.records;
        transactions++;
        if (copied >= RECORDS && last === 0) {
          last = performance.now();
          cpu = cpuTicks(child.pid!);
          child.kill('SIGTERM');
        }
      }
    });
  });
  const steady = (last - first) / 1000;
  const total = (last - started) / 1000;
  return {
    pair: `${source}->${target}`,
    kafka: testCluster(source).kafkaVersion,
    mode,
    records: RECORDS,
    recordBytes: RECORD_SIZE,
    partitions: PARTITIONS,
    steadySeconds: round(steady),
    totalSeconds: round(total),
    recordsPerSec: Math.round(RECORDS / total),
    mbPerSec: round((RECORDS * RECORD_SIZE) / total / 1048576),
    cpuPercent: Math.round(((cpu / 100) * 100) / total),
    transactions,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

await ensureTestStack();
const results: Result[] = [];
for (const [s, t] of PAIRS) for (const m of MODES) results.push(await runOnce(s, t, m));
if (WITH_MM2) {
  const [s, t] = PAIRS[0]!;
  const topic = `bench-mm2-${Date.now().toString(36)}`;
  process.stderr.write(`bench: seeding ${RECORDS} x ${RECORD_SIZE} B into ${s}/${topic}\n`);
  await seed(s, topic);
  process.stderr.write(`bench: Apache MirrorMaker 2 ${s}->${t} (dedicated mode, tasks.max=1)\n`);
  const r = await runMm2(s, t, topic, RECORDS, testCluster(s).kafkaVersion);
  results.push({
    pair: `${s}->${t}`,
    kafka: testCluster(s).kafkaVersion,
    mode: 'MM2 (at-least-once)',
    records: RECORDS,
    recordBytes: RECORD_SIZE,
    partitions: PARTITIONS,
    steadySeconds: round(r.steadySeconds),
    totalSeconds: round(r.totalSeconds),
    recordsPerSec: Math.round(RECORDS / r.totalSeconds),
    mbPerSec: round((RECORDS * RECORD_SIZE) / r.totalSeconds / 1048576),
    cpuPercent: -1,
    transactions: 0,
  });
}
console.log(
  `\none ferry run task, ${RECORDS} records of ${RECORD_SIZE} B, ${PARTITIONS} partitions (times include start-up)\n`,
);
console.log(
  '| pair | Kafka | mode | records/s | MB/s | seconds | steady MB/s (first→last record) | CPU % of one core | commits |',
);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const steady = round((r.records * r.recordBytes) / r.steadySeconds / 1048576);
  const cpu = r.cpuPercent < 0 ? 'n/a' : r.cpuPercent;
  console.log(
    `| ${r.pair} | ${r.kafka} | ${r.mode} | ${r.recordsPerSec} | ${r.mbPerSec} | ${r.totalSeconds} | ${steady} | ${cpu} | ${r.transactions || 'n/a'} |`,
  );
}
const outDir = join(here, '..', 'results');
mkdirSync(outDir, { recursive: true });
const out = join(outDir, `ferry-run-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  out,
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, results }, null, 2)}\n`,
);
console.log(`\nwritten ${out}`);
