// The Java side: BenchTool (seed, latency, count) compiled against kafka-clients, and Kafka's own
// ProducerPerformance (kafka-tools), both from Maven Central through the testkit's jar cache.
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { defaultStackOptions, ensureJars } from '@ferry/testkit';
import { track } from './children.ts';
import { type PerfLine, parseProducerPerformance, producerPerformanceArgs } from './configs.ts';

const run = promisify(execFile);
const HERE = import.meta.dirname;
const SRC = join(HERE, '..', '..', 'java', 'BenchTool.java');
const OUT = join(HERE, '..', '..', '.cache', 'java');
const KAFKA_VERSION = '4.3.1';

let cached: string | undefined;

/** kafka-tools (with kafka-clients) and a no-op logger; BenchTool compiled when its source is newer. */
export async function toolsClasspath(log: (m: string) => void): Promise<string> {
  if (cached) return cached;
  const lib = await ensureJars(
    defaultStackOptions().cacheDir,
    `kafka-tools-${KAFKA_VERSION}`,
    [`org.apache.kafka:kafka-tools:${KAFKA_VERSION}`, 'org.slf4j:slf4j-nop:1.7.36'],
    log,
  );
  const cls = join(OUT, 'BenchTool.class');
  let fresh = false;
  try {
    fresh = statSync(cls).mtimeMs >= statSync(SRC).mtimeMs;
  } catch {
    fresh = false;
  }
  if (!fresh) {
    mkdirSync(OUT, { recursive: true });
    await run('javac', ['-nowarn', '-cp', `${lib}/*`, '-d', OUT, SRC]);
  }
  cached = `${OUT}:${lib}/*`;
  return cached;
}

async function benchTool<T>(args: string[], timeoutMs: number): Promise<T> {
  const cp = await toolsClasspath(() => {});
  const { stdout } = await run('java', ['-Xmx512m', '-cp', cp, 'BenchTool', ...args], {
    timeout: timeoutMs,
    maxBuffer: 16 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

export interface SeedResult {
  records: number;
  committed: number;
  seconds: number;
}

export function seedTopic(o: {
  bootstrap: string;
  topic: string;
  records: number;
  recordBytes: number;
  partitions: number;
  compression: string;
  keySpace: number;
  txnRecords: number;
  abortEvery: number;
  /** One header ("h" = the record's index) per record. */
  headers?: boolean;
}): Promise<SeedResult> {
  return benchTool<SeedResult>(
    [
      'seed',
      o.bootstrap,
      o.topic,
      String(o.records),
      String(o.recordBytes),
      String(o.partitions),
      o.compression,
      String(o.keySpace),
      String(o.txnRecords),
      String(o.abortEvery),
      o.headers ? '1' : '0',
    ],
    900_000,
  );
}

export async function countRecords(bootstrap: string, topic: string, partitions: number): Promise<number> {
  return (await benchTool<{ records: number }>(['count', bootstrap, topic, String(partitions)], 300_000))
    .records;
}

/** The first write into a fresh memory-mapped, preallocated file (what each new Kafka index costs) in `dir`. */
export interface MmapProbe {
  files: number;
  mmapP50Ms: number;
  mmapP99Ms: number;
  /** The first write() into such a file, for contrast. */
  writeP50Ms: number;
}

export function mmapProbe(dir: string, files = 200): Promise<MmapProbe> {
  return benchTool<MmapProbe>(['mmap', dir, String(files)], 120_000);
}

export interface LatencyResult {
  count: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
}

export function measureLatency(o: {
  sourceBootstrap: string;
  sourceTopic: string;
  targetBootstrap: string;
  targetTopic: string;
  partitions: number;
  rate: number;
  seconds: number;
  recordBytes: number;
  compression: string;
  transactional: boolean;
  /** Seconds sent first at the same rate and not counted (the measurer's JVM warm-up, first writes). */
  warmupSeconds?: number;
}): Promise<LatencyResult> {
  return benchTool<LatencyResult>(
    [
      'latency',
      o.sourceBootstrap,
      o.sourceTopic,
      o.targetBootstrap,
      o.targetTopic,
      String(o.partitions),
      String(o.rate),
      String(o.seconds),
      String(o.recordBytes),
      o.compression,
      o.transactional ? '1' : '0',
      String(o.warmupSeconds ?? 0),
    ],
    (o.seconds + (o.warmupSeconds ?? 0) + 120) * 1000,
  );
}

/** Kafka's ProducerPerformance into the target topic; its own records/s and MiB/s (JVM start-up excluded). */
export async function producerPerformance(
  o: Parameters<typeof producerPerformanceArgs>[0],
): Promise<PerfLine & { output: string }> {
  const cp = await toolsClasspath(() => {});
  const child = track(
    spawn(
      'java',
      ['-Xmx512m', '-cp', cp, 'org.apache.kafka.tools.ProducerPerformance', ...producerPerformanceArgs(o)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  let out = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    out += String(d);
  });
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const line = parseProducerPerformance(out);
  if (code !== 0 || !line) throw new Error(`ProducerPerformance failed (exit ${code}): ${out.slice(-1500)}`);
  return { ...line, output: out };
}
