// `npm run bench -- <scenario|all> [--runs N] [--volume MiB] [--profile] ...`: the data-path matrix of
// issue #10. Per scenario the source topic is seeded once with the Java client; every system then
// replicates it into its own target topic (a unique alias per run), --runs times; the table shows the
// median with min and max, and the ratios against the goals.
import { execSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createTemplateDatabase, dropDatabases } from '@ferry/db/testing';
import { stackDown, waitFor } from '@ferry/testkit';
import { ensureTestStack, testCluster, testStackOptions } from '@ferry/testkit/vitest';
import { type BenchArgs, BenchArgsError, parseBenchArgs, roundOrder, type System } from './args.ts';
import { killAll } from './children.ts';
import { mm2ExactlyOnceSummary, mm2TuningSummary } from './configs.ts';
import { countRecords, mmapProbe, seedTopic, toolsClasspath } from './java.ts';
import { closeAdmins, createTopic, deleteTopicsContaining } from './kafka-admin.ts';
import {
  type Machine,
  markdownReport,
  type Phase,
  type ProfileTop,
  projectWall,
  type ReportInput,
} from './markdown.ts';
import { type CpuProfile, profileSeconds, topSelfTime } from './profile.ts';
import { recordsFor, type Scenario, scenario } from './scenarios.ts';
import { summarise } from './stats.ts';
import { type RunResult, runSystem, SOURCE, TARGET } from './systems.ts';
import { ratioRows, type ScenarioFigures, sameGuaranteeRatios } from './table.ts';
import { ensureWebBuild } from './web.ts';

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
  /** Seeding plus, for the compacted scenario, waiting for the log cleaner. */
  wallSeconds: number;
}

async function seed(s: Scenario, volumeMiB: number): Promise<Seeded> {
  const started = performance.now();
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
    // a --volume too small for the key space would leave nothing to compact
    keySpace: s.keySpace > 0 ? Math.max(1, Math.min(s.keySpace, Math.floor(records * 0.4))) : 0,
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
        // 0.9: at small --volume most records sit in active (never cleaned) segments
        const done = n < records * 0.9 && n === prev;
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
    wallSeconds: (performance.now() - started) / 1000,
  };
}

/** The source alias's prefix per system (remote topics are "<alias>.<topic>"; no prefix contains another). */
const ALIAS_PREFIX: Record<System, string> = {
  ferry: 'fh',
  'ferry-v1': 'f1',
  'ferry-alo': 'fa',
  'ferry-managed': 'fm',
  mm2: 'mm2',
  'mm2-eos': 'mx',
  raw: 'raw',
};

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

function machine(storage?: Machine['targetStorage']): Machine {
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
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    java,
    kafka,
    kernel: release(),
    ...(storage ? { targetStorage: storage } : {}),
  };
}

/**
 * `--brokers tmpfs`: points the test-stack helpers (they read FERRY_TEST_STACK_DIR and
 * FERRY_TEST_STACK_PORT_BASE on every call) at a stack of its own in /dev/shm, before anything asks for a
 * cluster. Refused when /dev/shm is not a tmpfs (the point is a log dir in memory).
 */
function useTmpfsBrokers(): string {
  const TMPFS_MAGIC = 0x01021994;
  let type = 0;
  try {
    type = statfsSync('/dev/shm').type;
  } catch {
    type = 0;
  }
  if (type !== TMPFS_MAGIC)
    throw new BenchArgsError('--brokers tmpfs needs /dev/shm to be a tmpfs; it is not on this machine');
  const dir = join('/dev/shm', `ferry-bench-stack-${process.pid}`);
  process.env.FERRY_TEST_STACK_DIR = dir;
  process.env.FERRY_TEST_STACK_PORT_BASE = process.env.FERRY_BENCH_TMPFS_PORT_BASE ?? '39092';
  return dir;
}

/**
 * The first-write cost of a new memory-mapped index on the target's disk, measured beside (not inside) its log
 * dir: a foreign folder in log.dirs would be taken for a partition. Undefined when it cannot be measured.
 */
async function probeTargetStorage(log: (m: string) => void): Promise<Machine['targetStorage']> {
  try {
    const dataDir = realpathSync(join(testCluster(TARGET).dir, 'data'));
    const dir = join(dirname(dataDir), `.bench-mmap-probe-${process.pid}`);
    const r = await mmapProbe(dir);
    log(
      `target log dir ${dataDir}: first write into a fresh mapped index file p50 ${r.mmapP50Ms} ms, p99 ${r.mmapP99Ms} ms (write() ${r.writeP50Ms} ms)`,
    );
    return { dir: dataDir, ...r };
  } catch (e) {
    log(`target storage probe skipped: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/**
 * Top self time of each profile written under dir/<scenario>--<system>/, cut to that run's catch-up window
 * when it is known. Profiles under a second (`ferry`'s shim before it re-executes itself) are left out.
 */
function profileSummary(dir: string | undefined, windows: Map<string, { fromUs: number; toUs: number }>) {
  if (!dir || !existsSync(dir)) return [];
  const out: ProfileTop[] = [];
  for (const sub of readdirSync(dir)) {
    const [scenario, ...rest] = sub.split('--');
    const subDir = join(dir, sub);
    for (const f of readdirSync(subDir).filter((x) => x.endsWith('.cpuprofile'))) {
      const p = JSON.parse(readFileSync(join(subDir, f), 'utf8')) as CpuProfile;
      const seconds = profileSeconds(p);
      if (seconds < 1) continue;
      const w = windows.get(sub);
      out.push({
        scenario: scenario!,
        system: rest.join('--'),
        file: join(subDir, f),
        seconds,
        windowSeconds: w ? (w.toUs - w.fromUs) / 1e6 : undefined,
        top: topSelfTime(p, 20, w),
      });
      // a profile with no sample in the window (the worker's shim before it re-executes itself) says nothing
      if (out.at(-1)!.top.length === 0) out.pop();
    }
  }
  return out;
}

const DOCS = join(import.meta.dirname, '..', '..', '..', 'docs', 'benchmarks.md');

export async function main(argv: string[]): Promise<void> {
  const args = parseBenchArgs(argv);
  const command = `npm run bench -- ${argv.join(' ')}`;
  const loads: number[] = [loadavg()[0]!];
  const loadTimer = setInterval(() => loads.push(loadavg()[0]!), 5000);
  loadTimer.unref();
  mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(RESULTS, `datapath-${stamp}.json`);
  const mdFile = join(RESULTS, `datapath-${stamp}.md`);
  let webBuildSeconds = 0;
  let webBuildId: string | undefined;
  if (args.systems.includes('ferry-managed')) {
    // before anything else: a missing build stops the bench at once, with how to make one
    const b = await ensureWebBuild({
      build: args.buildWeb,
      log,
      logFile: join(RESULTS, `web-build-${stamp}.log`),
    });
    webBuildSeconds = b.builtNowSeconds;
    webBuildId = b.id;
  }
  const setupStart = performance.now();
  const ownStack = args.brokers === 'tmpfs' ? useTmpfsBrokers() : undefined;
  if (ownStack) log(`brokers on tmpfs: ${ownStack} (source and target of this run only)`);
  await ensureTestStack(ownStack ? `${SOURCE},${TARGET}` : undefined);
  await toolsClasspath(log);
  // once, while the brokers run (a tmpfs stack is gone when the last report is written)
  const machineInfo = machine(await probeTargetStorage(log));
  const dbRunId = `bench${tag}`;
  if (args.systems.includes('ferry-managed')) await createTemplateDatabase(dbRunId);
  const setupSeconds = (performance.now() - setupStart) / 1000;
  const profileDir = args.profile ? join(RESULTS, `profile-${tag}`) : undefined;
  // Interrupted: stop what runs, drop this run's topics and databases, keep the JSON written so far.
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      const n = killAll();
      log(`${sig}: stopped ${n} process(es); removing this run's topics and databases`);
      void (async () => {
        await deleteTopicsContaining(TARGET, tag).catch(() => {});
        await deleteTopicsContaining(SOURCE, tag).catch(() => {});
        await dropDatabases(`ferry_t_${dbRunId}`).catch(() => {});
        await dropDatabases(`ferry_tpl_${dbRunId}`).catch(() => {});
        process.exit(130);
      })();
    });
  const list = args.scenarios.map(scenario);
  const seededAll = new Map<string, Seeded>();
  const results = new Map<string, RunResult[]>(list.map((s) => [s.name, []]));
  const phases: Phase[] = [];
  const windows = new Map<string, { fromUs: number; toUs: number }>();
  const collect = () =>
    list
      .filter((s) => seededAll.has(s.name))
      .map((s) => figures(s, seededAll.get(s.name)!, results.get(s.name)!, args));
  const report = (complete: boolean): ReportInput => ({
    at: new Date().toISOString(),
    command,
    complete,
    machine: machineInfo,
    load1: loads,
    wallSeconds: (performance.now() - t0) / 1000,
    setupSeconds,
    webBuildSeconds,
    seeds: [...seededAll].map(([scenario, s]) => ({ scenario, seconds: s.wallSeconds })),
    phases,
    runs: args.runs,
    latencyRuns: args.latencyRuns,
    latencyWarmupSeconds: args.latencyWarmupSeconds,
    mm2Settings: mm2TuningSummary(args.tasks),
    mm2ExactlyOnceSettings: args.systems.includes('mm2-eos') ? mm2ExactlyOnceSummary() : undefined,
    figures: collect(),
    profiles: complete ? profileSummary(profileDir, windows) : [],
  });
  const save = (complete: boolean) => {
    const r = report(complete);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          ...r,
          args,
          webBuildId,
          // the load averages (1, 5, 15 min) are kept as load1 samples every 5 s
          projectedWallSeconds: { thisRun: projectWall(r, args.runs, args.latencyRuns), all3: projectAll(r) },
          ratios: ratioRows(r.figures).map((x) => ({
            scenario: x.scenario,
            system: x.system,
            goal: x.goal.name,
            ratio: x.ratio,
            met: x.met,
          })),
          sameGuaranteeRatios: sameGuaranteeRatios(r.figures),
          runResults: list.map((s) => ({
            scenario: s.name,
            seeded: seededAll.get(s.name),
            results: results.get(s.name),
          })),
        },
        null,
        2,
      )}\n`,
    );
    return r;
  };
  // `all` with the default 3 runs, from this run's parts, for scenarios it measured (the rest are not counted).
  const projectAll = (r: ReportInput) => projectWall(r, 3, 1);
  try {
    // Seed every scenario first, then run round by round (every scenario once per round), so a run cut short
    // still has every scenario; the JSON is rewritten after every system run.
    for (const s of list) seededAll.set(s.name, await seed(s, args.volumeMiB ?? s.volumeMiB));
    for (let run = 0; run < args.runs; run++) {
      for (const s of list) {
        const seeded = seededAll.get(s.name)!;
        for (const system of roundOrder(args.systems, run)) {
          const alias = `${ALIAS_PREFIX[system]}${run}${tag}`;
          log(
            `${s.name} run ${run + 1}/${args.runs}: ${system} (${seeded.records} records), load ${loadavg()[0]!.toFixed(2)}`,
          );
          const started = performance.now();
          const profiled = (system === 'ferry' || system === 'ferry-managed') && run === 0 && profileDir;
          // One retry with a fresh alias: a start-up that fails (e.g. `ferry run`'s remote topic creation
          // answered UNKNOWN_TOPIC_OR_PARTITION under load) is reported, not silently dropped.
          let failure: string | undefined;
          for (let attempt = 0; attempt < 2; attempt++) {
            try {
              const r = await runSystem({
                system,
                scenario: s,
                topic: seeded.topic,
                records: seeded.records,
                tasks: args.tasks,
                alias: attempt === 0 ? alias : `${alias}r${attempt}`,
                latencySeconds: run < args.latencyRuns && system !== 'raw' ? args.latencySeconds : 0,
                latencyWarmupSeconds: args.latencyWarmupSeconds,
                profileDir: profiled ? join(profileDir, `${s.name}--${system}`) : undefined,
                dbRunId,
                log,
              });
              log(
                `  ${r.mibPerSec.toFixed(1)} MiB/s, ${Math.round(r.recordsPerSec)} records/s in ${r.seconds.toFixed(2)} s` +
                  (r.polls !== undefined ? ` (${r.polls} polls, ${r.meanPollMs!.toFixed(0)} ms apart)` : '') +
                  (r.cpuSecondsPerGiB !== undefined ? `, ${r.cpuSecondsPerGiB.toFixed(1)} CPU-s/GiB` : '') +
                  (r.peakRssMiB !== undefined ? `, ${r.peakRssMiB.toFixed(0)} MiB RSS` : '') +
                  (r.startupSeconds !== undefined ? `, start-up ${r.startupSeconds.toFixed(1)} s` : '') +
                  (r.webStartSeconds !== undefined ? ` (web ${r.webStartSeconds.toFixed(1)} s)` : '') +
                  (r.latency
                    ? `, p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms (${r.latency.count}/${r.latency.expected})`
                    : ''),
              );
              results.get(s.name)!.push(r);
              if (profiled && r.windowUs) windows.set(`${s.name}--${system}`, r.windowUs);
              phases.push({
                scenario: s.name,
                system,
                run,
                wallSeconds: (performance.now() - started) / 1000,
                startupSeconds: r.startupSeconds,
                catchUpSeconds: r.seconds,
                latencyPhaseSeconds: r.latencyPhaseSeconds,
                retriedAfter: failure,
              });
              failure = undefined;
              break;
            } catch (e) {
              failure = (e as Error).message.slice(0, 1500);
              log(`  FAILED${attempt === 0 ? ' (retrying once)' : ''}: ${failure}`);
            }
          }
          if (failure)
            phases.push({
              scenario: s.name,
              system,
              run,
              wallSeconds: (performance.now() - started) / 1000,
              failed: true,
              retriedAfter: failure,
            });
          // brokers in memory: this run's remote (and latency) topics go now, not at the end
          if (ownStack) {
            await deleteTopicsContaining(TARGET, alias).catch(() => {});
            await deleteTopicsContaining(SOURCE, alias).catch(() => {});
          }
          loads.push(loadavg()[0]!);
          save(false);
        }
      }
    }
  } finally {
    clearInterval(loadTimer);
    for (const s of seededAll.values()) await deleteTopicsContaining(SOURCE, s.topic).catch(() => {});
    // whatever a failed run left behind: every alias, remote and raw topic carries the tag
    await deleteTopicsContaining(TARGET, tag).catch(() => {});
    await deleteTopicsContaining(SOURCE, tag).catch(() => {});
    await closeAdmins();
    if (args.systems.includes('ferry-managed')) await dropDatabases(`ferry_t_${dbRunId}`).catch(() => {});
    if (args.systems.includes('ferry-managed')) await dropDatabases(`ferry_tpl_${dbRunId}`).catch(() => {});
    if (ownStack) {
      await stackDown(testStackOptions(), [], true).catch(() => []);
      rmSync(ownStack, { recursive: true, force: true });
    }
  }
  const r = save(true);
  const md = markdownReport(r);
  writeFileSync(mdFile, md);
  console.log(`\n${md}`);
  console.log(
    `wall time ${Math.round(r.wallSeconds)} s; from these parts, \`${command.replace(/ --runs \d+/, '')}\` with 3 runs would take about ${Math.round(projectAll(r))} s`,
  );
  if (args.appendDocs) {
    appendFileSync(DOCS, `\n${md}`);
    console.log(`appended to ${DOCS}`);
  }
  console.log(`written ${file} and ${mdFile}`);
}
