// Two Ferry builds side by side, at the same time, on the same machine load (issue #10, docs/benchmarks.md
// "Commit cadence"): on a shared machine whose load moves by 10 within a minute, two runs one after the other
// compare the load more than the builds. Each build's `ferry run` (the bench's headless configuration, 4 tasks,
// exactly once) replicates its own empty 16-partition topic east → west; then BenchTool's fixed-rate latency
// phase runs into both topics at once (plain source, 1 KiB records, read_committed consumer on west,
// now − CreateTime, after 3 s not counted). One JSON line per run: p50/p99/max of each build, its ferry CPU seconds in the phase.
//   node bench/src/datapath/paired-latency-probe.ts <ferry.js of A> <ferry.js of B> [rate=2000] [seconds=10] [runs=1]
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { testCluster } from '@ferry/testkit/vitest';
import { ferryProperties } from './configs.ts';
import { measureLatency } from './java.ts';
import { closeAdmins, createTopic, deleteTopicsContaining, topicReady } from './kafka-admin.ts';

const [ferryA, ferryB, ...rest] = process.argv.slice(2);
if (!ferryA || !ferryB)
  throw new Error('usage: paired-latency-probe.ts <ferry.js A> <ferry.js B> [rate] [seconds] [runs]');
const [rate = 2000, seconds = 10, runs = 1] = rest.map(Number);
const east = testCluster('east').bootstrap;
const west = testCluster('west').bootstrap;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuOf(pid: number | undefined): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function once(): Promise<Record<string, unknown>> {
  const base = `pp${Date.now().toString(36)}`;
  const sides = [
    { name: 'A', bin: ferryA!, id: `${base}a` },
    { name: 'B', bin: ferryB!, id: `${base}b` },
  ].map((s) => ({ ...s, topic: `${s.id}-t`, file: join(tmpdir(), `${s.id}.properties`) }));
  const procs = [];
  try {
    for (const s of sides) {
      await createTopic('east', s.topic, 16);
      writeFileSync(
        s.file,
        ferryProperties({
          alias: s.id,
          sourceBootstrap: east,
          targetAlias: 'west',
          targetBootstrap: west,
          topics: [s.topic],
          tasks: 4,
        }),
      );
      const p = spawn(process.execPath, [s.bin, 'run', s.file, '--progress-interval', '60'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      p.stderr.on('data', (d) => {
        err = (err + d).slice(-3000);
      });
      procs.push({ ...s, p, err: () => err });
    }
    for (const s of procs) {
      const deadline = Date.now() + 120_000;
      while (!(await topicReady('west', `${s.id}.${s.topic}`, 16))) {
        if (Date.now() > deadline) throw new Error(`${s.id}.${s.topic} did not appear: ${s.err()}`);
        await sleep(500);
      }
    }
    await sleep(5000);
    for (const s of procs)
      if (s.p.exitCode !== null)
        throw new Error(`ferry ${s.name} (${s.bin}) exited ${s.p.exitCode}: ${s.err()}`);
    const load1 = Number(loadavg()[0]!.toFixed(2));
    const c0 = procs.map((s) => cpuOf(s.p.pid));
    const results = await Promise.all(
      procs.map((s) =>
        measureLatency({
          sourceBootstrap: east,
          sourceTopic: s.topic,
          targetBootstrap: west,
          targetTopic: `${s.id}.${s.topic}`,
          partitions: 16,
          rate,
          seconds,
          recordBytes: 1024,
          compression: 'none',
          transactional: false,
          warmupSeconds: 3,
        }),
      ),
    );
    const out: Record<string, unknown> = {
      rate,
      seconds,
      load1,
      load1After: Number(loadavg()[0]!.toFixed(2)),
    };
    procs.forEach((s, i) => {
      out[s.name] = { ...results[i], ferryCpuSeconds: Number((cpuOf(s.p.pid) - c0[i]!).toFixed(2)) };
    });
    return out;
  } finally {
    for (const s of procs) {
      s.p.kill('SIGTERM');
      // a ferry that already exited (a failed start) sends no second 'close'
      if (s.p.exitCode === null && s.p.signalCode === null) await new Promise((r) => s.p.on('close', r));
    }
    for (const s of sides) rmSync(s.file, { force: true });
    await deleteTopicsContaining('east', base);
    await deleteTopicsContaining('west', base);
  }
}

for (let i = 0; i < runs; i++) console.log(JSON.stringify(await once()));
await closeAdmins();
