// The transactional-source latency on a small scale (issue #10, docs/benchmarks.md): one `ferry run` (headless,
// the bench's configuration) replicating east → west a seeded transactional topic (1,000 records per
// transaction, every tenth aborted) and two empty 16-partition latency topics. After the catch-up: the ferry
// process's CPU while idle (a fetch loop spinning at the last stable offset would show here), then BenchTool's
// fixed-rate latency phase into each latency topic, one with a transactional source (a commit every 50 ms), one
// plain, both read on west by a read_committed consumer (now − CreateTime). One JSON line per run.
//   node bench/src/datapath/txn-latency-probe.ts [rate=2000] [seconds=10] [seedRecords=20000] [runs=1]
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCluster } from '@ferry/testkit/vitest';
import { ferryProperties } from './configs.ts';
import { measureLatency, seedTopic } from './java.ts';
import { closeAdmins, createTopic, deleteTopicsContaining, topicReady } from './kafka-admin.ts';

const FERRY = join(import.meta.dirname, '..', '..', '..', 'packages', 'cli', 'bin', 'ferry.js');
const [rate = 2000, seconds = 10, seedRecords = 20000, runs = 1] = process.argv.slice(2).map(Number);
const east = testCluster('east').bootstrap;
const west = testCluster('west').bootstrap;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function once(): Promise<Record<string, unknown>> {
  const id = `tl${Date.now().toString(36)}`;
  const [seeded, latTxn, latPlain] = [`${id}-seed`, `${id}-txn`, `${id}-plain`];
  for (const t of [seeded, latTxn, latPlain]) await createTopic('east', t, 16);
  if (seedRecords > 0)
    await seedTopic({
      bootstrap: east,
      topic: seeded,
      records: seedRecords,
      recordBytes: 1024,
      partitions: 16,
      compression: 'none',
      keySpace: 0,
      txnRecords: 1000,
      abortEvery: 10,
    });
  const file = join(tmpdir(), `${id}.properties`);
  writeFileSync(
    file,
    ferryProperties({
      alias: id,
      sourceBootstrap: east,
      targetAlias: 'west',
      targetBootstrap: west,
      topics: [seeded, latTxn, latPlain],
      tasks: 4,
    }),
  );
  const ferry = spawn(process.execPath, [FERRY, 'run', file, '--progress-interval', '60'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  ferry.stdout.on('data', (d) => {
    out += d;
  });
  ferry.stderr.on('data', (d) => {
    out += d;
  });
  // utime + stime of the ferry process, in seconds (clock ticks of 10 ms)
  const cpu = () => {
    const f = readFileSync(`/proc/${ferry.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  };
  try {
    for (const t of [latTxn, latPlain]) {
      const deadline = Date.now() + 120_000;
      while (!(await topicReady('west', `${id}.${t}`, 16))) {
        if (Date.now() > deadline) throw new Error(`${id}.${t} did not appear on west: ${out.slice(-2000)}`);
        await sleep(500);
      }
    }
    await sleep(5000); // the catch-up of the seeded topic is over by now (a few MiB)
    const c0 = cpu();
    await sleep(10_000);
    const res: Record<string, unknown> = { idleCpuSecondsPerSecond: Number(((cpu() - c0) / 10).toFixed(3)) };
    for (const [name, t, transactional] of [
      ['txn', latTxn, true],
      ['plain', latPlain, false],
    ] as const) {
      const load1 = Number(loadavg()[0]!.toFixed(2));
      const c1 = cpu();
      const r = await measureLatency({
        sourceBootstrap: east,
        sourceTopic: t,
        targetBootstrap: west,
        targetTopic: `${id}.${t}`,
        partitions: 16,
        rate,
        seconds,
        recordBytes: 1024,
        compression: 'none',
        transactional,
      });
      res[name] = { ...r, load1, ferryCpuSeconds: Number((cpu() - c1).toFixed(2)) };
    }
    return res;
  } finally {
    ferry.kill('SIGTERM');
    // a ferry that already exited (a failed start) sends no second 'close'
    if (ferry.exitCode === null && ferry.signalCode === null) await new Promise((r) => ferry.on('close', r));
    rmSync(file, { force: true });
    await deleteTopicsContaining('east', id);
    await deleteTopicsContaining('west', id);
  }
}

for (let i = 0; i < runs; i++) console.log(JSON.stringify(await once()));
await closeAdmins();
