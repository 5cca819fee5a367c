// `npm run bench -- <scenario|all> [--runs N] [--volume MiB] [--profile] ...`: the data-path matrix of
// issue #10. Per scenario the source topic is seeded once with the Java client; every system then
// replicates it into its own target topic (a unique alias per run), --runs times; the table shows the
// median with min and max, and the ratios against the goals.
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createTemplateDatabase, dropDatabases } from '@ferry/db/testing';
import { waitFor } from '@ferry/testkit';
import { ensureTestStack, testCluster } from '@ferry/testkit/vitest';
import { type BenchArgs, parseBenchArgs } from './args.ts';
import { mm2TuningSummary } from './configs.ts';
import { countRecords, seedTopic, toolsClasspath } from './java.ts';
import { closeAdmins, createTopic, deleteTopicsContaining } from './kafka-admin.ts';
import { type CpuProfile, topSelfTime } from './profile.ts';
import { recordsFor, type Scenario, scenario } from './scenarios.ts';
import { summarise } from './stats.ts';
import { type RunResult, runSystem, SOURCE } from './systems.ts';
import { ratioRows, ratioTable, resultsTable, type ScenarioFigures } from './table.ts';

const RESULTS = join(import.meta.dirname, '..', '..', 'results');
const t0 = performance.now();
const log = (m: string) =>
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}\n`);
const tag = Date.now().toString(36);

interface Seeded {
  topic: string;
  seeded: number;
  /** Records the target must end with: committed ones, after compaction. */
  records: number;
  volumeMiB: number;
  seedSeconds: number;
}

async function seed(s: Scenario, volumeMiB: number): Promise<Seeded> {
  const topic = `dp-${s.name}-${tag}`;
  const records = recordsFor(s, volumeMiB);
  await createTopic(SOURCE, topic, s.partitions, s.topicConfig);
  log(`${s.name}: seeding ${records} x ${s.recordBytes} B into ${SOURCE}/${topic} (Java client)`);
  const r = await seedTopic({
    bootstrap: testCluster(SOURCE).bootstrap,
    topic,
    records,
    recordBytes: s.recordBytes,
    partitions: s.partitions,
    compression: s.compression,
    keySpace: s.keySpace,
    txnRecords: s.txnRecords,
    abortEvery: s.abortEvery,
  });
  let expected = r.committed;
  if (s.keySpace > 0) {
    // Wait for the log cleaner: the count drops below the produced records and stays put.
    let prev = -1;
    await waitFor(
      async () => {
        const n = await countRecords(testCluster(SOURCE).bootstrap, topic, s.partitions);
        log(`${s.name}: ${n} of ${records} records left after compaction`);
        const done = n < records * 0.6 && n === prev;
        prev = n;
        expected = n;
        return done;
      },
      { timeoutMs: 240_000, intervalMs: 5000, what: `${topic} compacted` },
    );
  }
  return {
    topic,
    seeded: records,
    records: expected,
    volumeMiB: (expected * s.recordBytes) / 1048576,
    seedSeconds: r.seconds,
  };
}

function figures(s: Scenario, seeded: Seeded, results: RunResult[], args: BenchArgs): ScenarioFigures {
  return {
    scenario: s.name,
    title: s.title,
    records: seeded.records,
    volumeMiB: seeded.volumeMiB,
    systems: args.systems.map((system) => {
      const rs = results.filter((r) => r.system === system);
      return {
        system,
        runs: rs.length,
        mibPerSec: summarise(rs.map((r) => r.mibPerSec)),
        recordsPerSec: summarise(rs.map((r) => r.recordsPerSec)),
        cpuSecondsPerGiB: summarise(rs.map((r) => r.cpuSecondsPerGiB)),
        peakRssMiB: summarise(rs.map((r) => r.peakRssMiB)),
        startupSeconds: summarise(rs.map((r) => r.startupSeconds)),
        p50Ms: summarise(rs.map((r) => r.latency?.p50)),
        p99Ms: summarise(rs.map((r) => r.latency?.p99)),
      };
    }),
  };
}

function machine() {
  const c = cpus();
  let kafka = '';
  try {
    kafka = `source ${testCluster(SOURCE).kafkaVersion}, target ${testCluster('west').kafkaVersion}`;
  } catch {
    kafka = '';
  }
  let java = '';
  try {
    java = execSync('java -version 2>&1', { encoding: 'utf8' }).split('\n')[0]!;
  } catch {
    java = '';
  }
  return {
    cpu: `${c.length} x ${c[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    java,
    kafka,
  };
}

function profileSummary(dir: string) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  return files.map((f) => {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CpuProfile;
    return { file: join(dir, f), top: topSelfTime(p, 20) };
  });
}

export async function main(argv: string[]): Promise<void> {
  const args = parseBenchArgs(argv);
  await ensureTestStack();
  await toolsClasspath(log);
  const dbRunId = `bench${tag}`;
  if (args.systems.includes('ferry-managed')) await createTemplateDatabase(dbRunId);
  const loads: number[][] = [loadavg()];
  const profileDir = args.profile ? join(RESULTS, `profile-${tag}`) : undefined;
  const list = args.scenarios.map(scenario);
  const seededAll = new Map<string, Seeded>();
  const results = new Map<string, RunResult[]>(list.map((s) => [s.name, []]));
  const file = join(RESULTS, `datapath-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(RESULTS, { recursive: true });
  const collect = () =>
    list
      .filter((s) => seededAll.has(s.name))
      .map((s) => figures(s, seededAll.get(s.name)!, results.get(s.name)!, args));
  const save = (complete: boolean) =>
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          at: new Date().toISOString(),
          complete,
          args,
          machine: machine(),
          loadAverages: loads,
          wallSeconds: (performance.now() - t0) / 1000,
          mm2Settings: mm2TuningSummary(args.tasks),
          figures: collect(),
          ratios: ratioRows(collect()).map((r) => ({
            scenario: r.scenario,
            system: r.system,
            goal: r.goal.name,
            ratio: r.ratio,
            met: r.met,
          })),
          runs: list.map((s) => ({
            scenario: s.name,
            seeded: seededAll.get(s.name),
            results: results.get(s.name),
          })),
          profiles: profileDir && complete ? profileSummary(profileDir) : [],
        },
        null,
        2,
      )}\n`,
    );
  try {
    // Seed every scenario first, then run round by round (every scenario once per round), so a run cut short
    // still has every scenario; the JSON is rewritten after every system run.
    for (const s of list) seededAll.set(s.name, await seed(s, args.volumeMiB ?? s.volumeMiB));
    for (let run = 0; run < args.runs; run++) {
      for (const s of list) {
        const seeded = seededAll.get(s.name)!;
        for (const system of args.systems) {
          const alias = `${system === 'ferry-managed' ? 'fm' : system === 'ferry' ? 'fh' : system}${run}${tag}`;
          log(`${s.name} run ${run + 1}/${args.runs}: ${system} (${seeded.records} records)`);
          try {
            const r = await runSystem({
              system,
              scenario: s,
              topic: seeded.topic,
              records: seeded.records,
              tasks: args.tasks,
              alias,
              latencySeconds: run < args.latencyRuns && system !== 'raw' ? args.latencySeconds : 0,
              profileDir: system === 'ferry' && run === 0 ? profileDir : undefined,
              dbRunId,
              log,
            });
            log(
              `  ${r.mibPerSec.toFixed(1)} MiB/s, ${Math.round(r.recordsPerSec)} records/s` +
                (r.cpuSecondsPerGiB !== undefined ? `, ${r.cpuSecondsPerGiB.toFixed(1)} CPU-s/GiB` : '') +
                (r.peakRssMiB !== undefined ? `, ${r.peakRssMiB.toFixed(0)} MiB RSS` : '') +
                (r.startupSeconds !== undefined ? `, start-up ${r.startupSeconds.toFixed(1)} s` : '') +
                (r.latency
                  ? `, p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms (${r.latency.count}/${r.latency.expected})`
                  : ''),
            );
            results.get(s.name)!.push(r);
          } catch (e) {
            log(`  FAILED: ${(e as Error).message.slice(0, 1500)}`);
          }
          loads.push(loadavg());
          save(false);
        }
      }
    }
  } finally {
    for (const s of seededAll.values()) await deleteTopicsContaining(SOURCE, s.topic).catch(() => {});
    await closeAdmins();
    if (args.systems.includes('ferry-managed')) await dropDatabases(`ferry_t_${dbRunId}`).catch(() => {});
    if (args.systems.includes('ferry-managed')) await dropDatabases(`ferry_tpl_${dbRunId}`).catch(() => {});
  }
  const out = collect();
  const seconds = (performance.now() - t0) / 1000;
  const load1 = loads.map((l) => l[0]!);
  const m = machine();
  const rows = ratioRows(out);
  const profiles = profileDir ? profileSummary(profileDir) : [];
  console.log(`\nmachine: ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.java}, Kafka ${m.kafka}`);
  console.log(
    `load average (1 min) during the run: min ${Math.min(...load1).toFixed(2)}, max ${Math.max(...load1).toFixed(2)}; wall time ${Math.round(seconds)} s`,
  );
  for (const f of out)
    console.log(`${f.scenario}: ${f.title}; ${f.records} records, ${f.volumeMiB.toFixed(0)} MiB`);
  console.log(`MM2 settings: ${mm2TuningSummary(args.tasks)}\n`);
  console.log(resultsTable(out));
  console.log(`\n${ratioTable(rows)}`);
  for (const p of profiles) {
    console.log(`\nprofile ${p.file}: top self time`);
    for (const t of p.top)
      console.log(
        `  ${(t.share * 100).toFixed(1).padStart(5)} %  ${t.ms.toFixed(0).padStart(6)} ms  ${t.fn}`,
      );
  }
  save(true);
  console.log(`\nwritten ${file}`);
}
