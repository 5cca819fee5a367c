// One catch-up run (plus, optionally, a fixed-rate latency phase) of each system on a seeded source topic.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cloneTemplate } from '@ferry/db/testing';
import { defaultStackOptions, ensureJars, waitFor } from '@ferry/testkit';
import { testCluster } from '@ferry/testkit/vitest';
import { WorkerFleet, workerEntry } from '@ferry/testkit/worker-fleet';
import type { System } from './args.ts';
import { type CatchUp, watchCatchUp } from './catch-up.ts';
import { track } from './children.ts';
import { ferryProperties, mm2Properties, type Pair } from './configs.ts';
import { countRecords, type LatencyResult, measureLatency, producerPerformance } from './java.ts';
import { createTopic, deleteTopicsContaining, highWatermarks, topicReady } from './kafka-admin.ts';
import type { Scenario } from './scenarios.ts';
import { createFlowThroughApi, startWeb, type Web } from './web.ts';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
// BENCH_FERRY_JS: another build's ferry.js (e.g. a `git archive` copy) for before/after comparisons
const FERRY = process.env.BENCH_FERRY_JS ?? join(ROOT, 'packages', 'cli', 'bin', 'ferry.js');
// BENCH_FERRY_PROPS: extra lines for headless Ferry's properties file, `;`-separated (e.g.
// `transaction.version=1` to measure V1 against V2 with the same build)
const FERRY_EXTRA_PROPS = (process.env.BENCH_FERRY_PROPS ?? '')
  .split(';')
  .map((l) => l.trim())
  .filter((l) => l.length > 0);
export const SOURCE = 'east';
export const TARGET = 'west';
const MM2_VERSION = '4.3.1';

export interface RunInput {
  system: System;
  scenario: Scenario;
  /** The seeded source topic and how many records the target must end with. */
  topic: string;
  records: number;
  tasks: number;
  /** Unique per run: the source alias (remote topics are "<alias>.<topic>"). */
  alias: string;
  latencySeconds: number;
  /** Seconds at the same rate sent before the measured ones and not counted. */
  latencyWarmupSeconds?: number;
  profileDir?: string;
  /** Managed Ferry: the run's migrated template database. */
  dbRunId?: string;
  log: (m: string) => void;
}

export interface RunResult {
  system: System;
  records: number;
  bytes: number;
  seconds: number;
  mibPerSec: number;
  recordsPerSec: number;
  startupSeconds?: number;
  cpuSeconds?: number;
  totalCpuSeconds?: number;
  cpuSecondsPerGiB?: number;
  peakRssMiB?: number;
  latency?: LatencyResult;
  /** The catch-up clock's resolution: polls during the copy and their mean interval. */
  polls?: number;
  meanPollMs?: number;
  /** ferry-managed: `next start` until /api/healthz answered (part of the start-up). */
  webStartSeconds?: number;
  /** Wall time of the latency phase (waiting for its remote topic included). */
  latencyPhaseSeconds?: number;
  /** The catch-up on the monotonic clock (µs), to cut a CPU profile to it. */
  windowUs?: { fromUs: number; toUs: number };
  /**
   * mm2-eos: offsets of the remote topic that hold no record (its high watermarks minus the records a
   * read_uncommitted reader finds): the transaction markers. 0 would mean MM2 did not write transactionally.
   */
  markerOffsets?: number;
}

export class Mm2ExactlyOnceError extends Error {
  readonly code = 'MM2_NOT_EXACTLY_ONCE';
}

interface LatencyPhase {
  latency?: LatencyResult;
  seconds: number;
}

const GiB = 1024 ** 3;

function fromCatchUp(i: RunInput, c: CatchUp, lat: LatencyPhase): RunResult {
  const bytes = i.records * i.scenario.recordBytes;
  return {
    system: i.system,
    records: i.records,
    bytes,
    seconds: c.seconds,
    mibPerSec: bytes / 1048576 / c.seconds,
    recordsPerSec: i.records / c.seconds,
    startupSeconds: c.startupSeconds,
    cpuSeconds: c.cpuSeconds,
    totalCpuSeconds: c.totalCpuSeconds,
    cpuSecondsPerGiB: c.cpuSeconds / (bytes / GiB),
    peakRssMiB: c.peakRssMiB,
    latency: lat.latency,
    latencyPhaseSeconds: lat.seconds,
    polls: c.polls,
    meanPollMs: c.meanPollMs,
    windowUs: c.windowUs,
  };
}

async function stop(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

function drain(child: ChildProcess, tail: string[]): void {
  const keep = (d: Buffer) => {
    tail.push(String(d));
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
}

/** The latency phase's own source topic (empty at start), so the catch-up topic never changes between runs. */
function latencyTopic(i: RunInput): string {
  return `${i.topic}-lat-${i.alias}`;
}

const latencyPartitions = (s: Scenario) => Math.min(s.partitions, 100);

async function prepareLatency(i: RunInput): Promise<string[]> {
  if (i.latencySeconds <= 0) return [i.topic];
  await createTopic(SOURCE, latencyTopic(i), latencyPartitions(i.scenario), i.scenario.topicConfig);
  return [i.topic, latencyTopic(i)];
}

async function latencyPhase(i: RunInput): Promise<LatencyPhase> {
  if (i.latencySeconds <= 0) return { seconds: 0 };
  const t = performance.now();
  const remote = `${i.alias}.${latencyTopic(i)}`;
  const parts = latencyPartitions(i.scenario);
  await waitFor(() => topicReady(TARGET, remote, parts), {
    timeoutMs: 120_000,
    what: `${remote} on the target`,
  });
  i.log(
    `  latency: ${i.scenario.latencyRate} records/s for ${i.latencyWarmupSeconds ?? 0} s (not counted) + ${i.latencySeconds} s`,
  );
  const latency = await measureLatency({
    sourceBootstrap: testCluster(SOURCE).bootstrap,
    sourceTopic: latencyTopic(i),
    targetBootstrap: testCluster(TARGET).bootstrap,
    targetTopic: remote,
    partitions: parts,
    rate: i.scenario.latencyRate,
    seconds: i.latencySeconds,
    warmupSeconds: i.latencyWarmupSeconds ?? 0,
    recordBytes: i.scenario.recordBytes,
    compression: i.scenario.compression,
    transactional: i.scenario.txnRecords > 0,
  });
  return { latency, seconds: (performance.now() - t) / 1000 };
}

function pair(i: RunInput, topics: string[]): Pair {
  return {
    alias: i.alias,
    sourceBootstrap: testCluster(SOURCE).bootstrap,
    targetAlias: TARGET,
    targetBootstrap: testCluster(TARGET).bootstrap,
    topics,
    tasks: i.tasks,
  };
}

const CATCH_UP_TIMEOUT_MS = 300_000;

/**
 * `ferry run` on a properties file; `extra`: lines added to it (ferry-v1: `transaction.version=1`);
 * `exactlyOnce: false` for ferry-alo.
 */
async function ferryHeadless(
  i: RunInput,
  o: { extra?: string[]; exactlyOnce?: boolean } = {},
): Promise<RunResult> {
  const topics = await prepareLatency(i);
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const file = join(dir, 'mm2.properties');
  writeFileSync(
    file,
    [
      ferryProperties(pair(i, topics), { exactlyOnce: o.exactlyOnce }).trimEnd(),
      ...(o.extra ?? []),
      ...FERRY_EXTRA_PROPS,
      '',
    ].join('\n'),
  );
  const prof = i.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${i.profileDir}`] : [];
  if (i.profileDir) mkdirSync(i.profileDir, { recursive: true });
  const startedAt = performance.now();
  const child = track(
    spawn(process.execPath, [...prof, FERRY, 'run', file, '--progress-interval', '60'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  // SIGTERM: the CPU profile is written on a clean exit
  return measureChild(i, child, startedAt, 40_000);
}

/**
 * Managed Ferry: the production web app (`next start`) and one worker on a cloned, migrated database of the
 * run's own; the flow is created through the REST API (sign-up, API token, two clusters, one enabled flow)
 * and the worker runs it. CPU and peak RSS are those of both process trees; Postgres and Redis are not
 * counted. Start-up (web and worker start, the API calls, the worker's discovery) is excluded from the
 * catch-up like MM2's JVM start.
 */
async function ferryManaged(i: RunInput): Promise<RunResult> {
  if (!i.dbRunId) throw new Error('managed Ferry needs the run template database');
  const topics = await prepareLatency(i);
  const url = await cloneTemplate(i.dbRunId, i.alias.replace(/-/g, '_'));
  const redisPrefix = `bench-${randomBytes(4).toString('hex')}`;
  const secretKey = randomBytes(32).toString('base64');
  if (i.profileDir) mkdirSync(i.profileDir, { recursive: true });
  const fleet = new WorkerFleet(workerEntry(), {
    DATABASE_URL: url,
    FERRY_REDIS_PREFIX: redisPrefix,
    FERRY_SECRET_KEY: secretKey,
    FERRY_SECRET_KEY_ID: 'bench',
    FERRY_DISCOVERY_INTERVAL_MS: '2000',
    // info: WorkerFleet.start waits for the worker's "listening on" line, logged at info
    LOG_LEVEL: process.env.BENCH_WORKER_LOG ?? 'info',
    // --cpu-prof: the profile is written when the worker exits cleanly (SIGTERM)
    NODE_OPTIONS: i.profileDir ? `--cpu-prof --cpu-prof-dir=${i.profileDir}` : '',
  });
  const startedAt = performance.now();
  let web: Web | undefined;
  try {
    const timeout = (what: string, ms: number) =>
      new Promise<never>((_, fail) =>
        setTimeout(() => fail(new Error(`${what} did not start within ${ms / 1000} s`)), ms).unref(),
      );
    const [w] = await Promise.race([
      Promise.all([
        startWeb({ databaseUrl: url, redisPrefix, secretKey, secretKeyId: 'bench' }),
        fleet.start('w1'),
      ]),
      timeout('the web app and the worker', 180_000),
    ]);
    web = w;
    await createFlowThroughApi(web.base, {
      sourceName: i.alias,
      sourceBootstrap: testCluster(SOURCE).bootstrap,
      targetName: TARGET,
      targetBootstrap: testCluster(TARGET).bootstrap,
      flowName: `bench-${i.alias}`,
      config: { topics, tasksMax: i.tasks, exactlyOnce: true, checkpoints: false },
    });
    const webStartSeconds = web.startSeconds;
    i.log(`  web up in ${webStartSeconds.toFixed(1)} s, flow created through the REST API`);
    const workerPid = fleet.pid('w1');
    const proc = fleet.procs.get('w1')!.child;
    const webChild = web.child;
    const c = await watchCatchUp({
      target: TARGET,
      topic: `${i.alias}.${i.topic}`,
      partitions: i.scenario.partitions,
      records: i.records,
      pids: () => [workerPid, webChild.pid!],
      startedAt,
      alive: () => proc.exitCode === null && webChild.exitCode === null,
      timeoutMs: CATCH_UP_TIMEOUT_MS,
    }).catch((e: Error) => {
      // the worker's last warnings and errors say why
      const worse = fleet.lines
        .filter((l) => Number(l.line.level) >= 40)
        .slice(-5)
        .map((l) => JSON.stringify(l.line).slice(0, 400));
      throw new Error([e.message, ...worse].join('\n'));
    });
    const latency = await latencyPhase(i);
    return { ...fromCatchUp(i, c, latency), webStartSeconds };
  } finally {
    await fleet.stop('w1').catch(() => {});
    if (web) await stop(web.child, 10_000).catch(() => {});
  }
}

/** A free loopback TCP port (for MM2's internal REST server). */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => (a && typeof a === 'object' ? ok(a.port) : fail(new Error('no port'))));
    });
  });
}

async function mm2(i: RunInput, exactlyOnce: boolean): Promise<RunResult> {
  const topics = await prepareLatency(i);
  const lib = await ensureJars(
    defaultStackOptions().cacheDir,
    `connect-mirror-${MM2_VERSION}`,
    [`org.apache.kafka:connect-mirror:${MM2_VERSION}`],
    i.log,
  );
  const dir = mkdtempSync(join(tmpdir(), 'mm2-bench-'));
  const file = join(dir, 'mm2.properties');
  const opts = exactlyOnce ? { exactlyOnce: { restPort: await freePort() } } : {};
  writeFileSync(file, mm2Properties(pair(i, topics), opts));
  // BENCH_MM2_LOG=<dir>: MM2's own log (INFO, ms timestamps) into <dir>/<alias>.log, to see where its start-up
  // goes. Off by default: connect-mirror's jars carry no slf4j binding, so MM2 normally logs nothing.
  const logDir = process.env.BENCH_MM2_LOG;
  const cp = [join(lib, '*')];
  const jvm = ['-Xmx1g'];
  if (logDir) {
    mkdirSync(logDir, { recursive: true });
    const kafkaLib = join(defaultStackOptions().cacheDir, `kafka-${MM2_VERSION}`, 'lib');
    // the broker's own log4j2 jars (a classpath wildcard takes whole folders only)
    cp.push(
      ...readdirSync(kafkaLib)
        .filter((f) => f.startsWith('log4j-'))
        .map((f) => join(kafkaLib, f)),
    );
    const l4j = join(dir, 'log4j2.properties');
    writeFileSync(
      l4j,
      [
        'rootLogger.level = INFO',
        'rootLogger.appenderRef.f.ref = F',
        'appender.f.type = File',
        'appender.f.name = F',
        `appender.f.fileName = ${join(logDir, `${i.alias}.log`)}`,
        'appender.f.layout.type = PatternLayout',
        'appender.f.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%t] %c{1}: %m%n',
        '',
      ].join('\n'),
    );
    jvm.push(`-Dlog4j2.configurationFile=${l4j}`);
    i.log(`  MM2 log: ${join(logDir, `${i.alias}.log`)}`);
  }
  const startedAt = performance.now();
  const child = track(
    spawn('java', [...jvm, '-cp', cp.join(':'), 'org.apache.kafka.connect.mirror.MirrorMaker', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const r = await measureChild(i, child, startedAt, 5_000);
  if (!exactlyOnce) return r;
  return { ...r, markerOffsets: await checkMarkers(i) };
}

/**
 * The remote topic read back, not the config trusted: offsets that hold no record are control records (the
 * markers of committed or aborted transactions); a producer without transactions leaves none.
 */
async function checkMarkers(i: RunInput): Promise<number> {
  const remote = `${i.alias}.${i.topic}`;
  const bootstrap = testCluster(TARGET).bootstrap;
  const [hw, records] = [
    await highWatermarks(TARGET, remote),
    await countRecords(bootstrap, remote, i.scenario.partitions),
  ];
  const markers = hw - records;
  i.log(`  ${remote}: ${hw} offsets, ${records} records, ${markers} transaction markers`);
  if (markers <= 0)
    throw new Mm2ExactlyOnceError(`${remote} holds no transaction markers: MM2 did not write exactly-once`);
  return markers;
}

async function raw(i: RunInput): Promise<RunResult> {
  const topic = `raw-${i.alias}-${i.topic}`;
  await createTopic(TARGET, topic, i.scenario.partitions);
  const r = await producerPerformance({
    bootstrap: testCluster(TARGET).bootstrap,
    topic,
    records: i.records,
    recordBytes: i.scenario.recordBytes,
    compression: i.scenario.compression,
    transactional: i.scenario.txnRecords > 0,
  });
  return {
    system: 'raw',
    records: r.records,
    bytes: r.records * i.scenario.recordBytes,
    seconds: (r.records * i.scenario.recordBytes) / 1048576 / r.mibPerSec,
    mibPerSec: r.mibPerSec,
    recordsPerSec: r.recordsPerSec,
  };
}

export async function runSystem(i: RunInput): Promise<RunResult> {
  try {
    switch (i.system) {
      case 'ferry':
        return await ferryHeadless(i);
      case 'ferry-v1':
        return await ferryHeadless(i, { extra: ['transaction.version=1'] });
      case 'ferry-alo':
        return await ferryHeadless(i, { exactlyOnce: false });
      case 'ferry-managed':
        return await ferryManaged(i);
      case 'mm2':
        return await mm2(i, false);
      case 'mm2-eos':
        return await mm2(i, true);
      case 'raw':
        return await raw(i);
    }
  } finally {
    await deleteTopicsContaining(TARGET, i.alias);
    await deleteTopicsContaining(SOURCE, i.alias);
  }
}

/** A replicator child process: its catch-up on the target, then the latency phase; stopped afterwards. */
async function measureChild(
  i: RunInput,
  child: ChildProcess,
  startedAt: number,
  stopWaitMs: number,
): Promise<RunResult> {
  const tail: string[] = [];
  drain(child, tail);
  try {
    const c = await watchCatchUp({
      target: TARGET,
      topic: `${i.alias}.${i.topic}`,
      partitions: i.scenario.partitions,
      records: i.records,
      pids: () => [child.pid!],
      startedAt,
      alive: () => child.exitCode === null,
      timeoutMs: CATCH_UP_TIMEOUT_MS,
    }).catch((e: Error) => {
      throw new Error(`${e.message}\n${tail.join('').slice(-2000)}`);
    });
    const latency = await latencyPhase(i);
    return fromCatchUp(i, c, latency);
  } finally {
    await stop(child, stopWaitMs);
  }
}
