// What the commit cadence costs on many lightly written partitions (issue #10, docs/benchmarks.md): one `ferry
// run` (the bench's headless configuration, 4 tasks, exactly once, `--json` so its `committed` events can be
// counted) replicating east → west one empty topic of `partitions` partitions, then BenchTool's fixed-rate
// latency phase into it (plain source, 1 KiB records, read_committed consumer on west). Per run, one JSON line:
// the latency, the transactions the tasks committed during the phase and their mean records, and the CPU
// seconds of the ferry process and of the west broker (its /proc entry; the broker is not touched) during it.
// Extra mm2.properties lines (e.g. `commit.linger.ms=20`) come after the numbers.
//   node bench/src/datapath/light-partitions-probe.ts [partitions=1000] [rate=1000] [seconds=15] [runs=1] [key=value ...]
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCluster } from '@ferry/testkit/vitest';
import { ferryProperties } from './configs.ts';
import { measureLatency } from './java.ts';
import { closeAdmins, createTopic, deleteTopicsContaining, topicReady } from './kafka-admin.ts';

const FERRY = join(import.meta.dirname, '..', '..', '..', 'packages', 'cli', 'bin', 'ferry.js');
const args = process.argv.slice(2);
const numbers = args.filter((a) => !a.includes('=')).map(Number);
const extra = args.filter((a) => a.includes('='));
const [partitions = 1000, rate = 1000, seconds = 15, runs = 1] = numbers;
const east = testCluster('east').bootstrap;
const west = testCluster('west').bootstrap;
const westPid = testCluster('west').pid;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process, seconds (clock ticks of 10 ms). */
function cpuOf(pid: number | null | undefined): number {
  if (!pid) return Number.NaN;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function once(): Promise<Record<string, unknown>> {
  const id = `lp${Date.now().toString(36)}`;
  const topic = `${id}-t`;
  await createTopic('east', topic, partitions);
  const file = join(tmpdir(), `${id}.properties`);
  writeFileSync(
    file,
    ferryProperties({
      alias: id,
      sourceBootstrap: east,
      targetAlias: 'west',
      targetBootstrap: west,
      topics: [topic],
      tasks: 4,
    }) + extra.map((l) => `${l}\n`).join(''),
  );
  const ferry = spawn(process.execPath, [FERRY, 'run', file, '--json', '--progress-interval', '60'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  let pending = '';
  let commits = 0;
  let committedRecords = 0;
  let counting = false;
  ferry.stdout.on('data', (d) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const l of lines) {
      if (!counting || !l.includes('"committed"')) continue;
      try {
        const e = JSON.parse(l) as { type?: string; records?: number };
        if (e.type !== 'committed') continue;
        commits++;
        committedRecords += e.records ?? 0;
      } catch {
        // not an event line
      }
    }
  });
  ferry.stderr.on('data', (d) => {
    err = (err + d).slice(-4000);
  });
  try {
    const deadline = Date.now() + 180_000;
    while (!(await topicReady('west', `${id}.${topic}`, partitions))) {
      if (Date.now() > deadline) throw new Error(`${id}.${topic} did not appear on west: ${err}`);
      await sleep(500);
    }
    await sleep(5000); // every partition's first (empty) fetch and position commit
    const load1 = Number(loadavg()[0]!.toFixed(2));
    const f0 = cpuOf(ferry.pid);
    const b0 = cpuOf(westPid);
    counting = true;
    const t0 = Date.now();
    const r = await measureLatency({
      sourceBootstrap: east,
      sourceTopic: topic,
      targetBootstrap: west,
      targetTopic: `${id}.${topic}`,
      partitions,
      rate,
      seconds,
      recordBytes: 1024,
      compression: 'none',
      transactional: false,
    });
    counting = false;
    const wall = (Date.now() - t0) / 1000;
    return {
      partitions,
      rate,
      extra,
      ...r,
      load1,
      load1After: Number(loadavg()[0]!.toFixed(2)),
      phaseSeconds: Number(wall.toFixed(1)),
      commits,
      commitsPerSecond: Number((commits / wall).toFixed(1)),
      recordsPerCommit: commits ? Number((committedRecords / commits).toFixed(1)) : 0,
      ferryCpuSeconds: Number((cpuOf(ferry.pid) - f0).toFixed(2)),
      westBrokerCpuSeconds: Number((cpuOf(westPid) - b0).toFixed(2)),
    };
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
