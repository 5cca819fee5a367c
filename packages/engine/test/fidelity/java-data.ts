import { execFile } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { defaultStackOptions, ensureKafkaJars, resolveKafkaVersion } from '@ferry/testkit';
import { testCluster } from '@ferry/testkit/vitest';

/*
 * The fidelity data set is written and read back by FidelityData.java with the real Java client of the
 * cluster's Kafka version (never with the client Ferry uses). Spawned asynchronously: the flow under test runs
 * in this process.
 */
const run = promisify(execFile);
const PROGRAM = resolve(import.meta.dirname, 'FidelityData.java');
const OUT = resolve(import.meta.dirname, '..', '..', '.cache', 'fidelity');

/** The program compiled once per Kafka version (a single-file launch compiles on every call). */
async function classpath(lib: string, version: string): Promise<string> {
  const out = join(OUT, version);
  let fresh = false;
  try {
    fresh = statSync(join(out, 'FidelityData.class')).mtimeMs >= statSync(PROGRAM).mtimeMs;
  } catch {
    fresh = false;
  }
  if (!fresh) {
    mkdirSync(out, { recursive: true });
    await run('javac', ['-nowarn', '-encoding', 'UTF-8', '-cp', join(lib, '*'), '-d', out, PROGRAM]);
  }
  return `${out}:${join(lib, '*')}`;
}

/** The sets FidelityData.java writes, as topic suffixes. */
export const FIDELITY_SETS = [
  'plain',
  'gzip',
  'snappy',
  'lz4',
  'zstd',
  'order',
  'txn',
  'compacted',
  'large',
] as const;

/** One record as the Java reader prints it (key, value and header values base64; null kept). */
export interface DumpedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Array<[string, string | null]>;
  timestamp: string;
  timestampType: string;
}

async function java(cluster: string, args: string[], timeoutMs: number): Promise<string> {
  const version = resolveKafkaVersion(testCluster(cluster).kafkaVersion);
  const lib = await ensureKafkaJars(defaultStackOptions().cacheDir, version);
  const cp = await classpath(lib, version.version);
  try {
    const { stdout } = await run('java', ['-cp', cp, 'FidelityData', ...args], {
      timeout: timeoutMs,
      maxBuffer: 256 << 20,
      encoding: 'utf8',
    });
    return stdout;
  } catch (e) {
    const x = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`FidelityData.java ${args[0]} failed: ${x.message}\n${x.stderr ?? ''}`.slice(0, 4000));
  }
}

/** Creates and fills `<prefix>.<set>` on the cluster for every set (takes ~20–40 s: the cleaner is waited for). */
export async function writeFidelityData(cluster: string, prefix: string): Promise<string[]> {
  const out = await java(cluster, ['write', testCluster(cluster).bootstrap, prefix], 240_000);
  return out
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { topic: string }).topic);
}

/**
 * `<prefix>.0` … `<prefix>.<topics-1>`, each with `partitions` partitions and `perPartition` records of the
 * matrix in every partition (lz4 on odd topics): many partitions of light traffic.
 */
export async function spreadData(
  cluster: string,
  prefix: string,
  topics: number,
  partitions: number,
  perPartition: number,
): Promise<void> {
  await java(
    cluster,
    [
      'spread',
      testCluster(cluster).bootstrap,
      prefix,
      String(topics),
      String(partitions),
      String(perPartition),
    ],
    300_000,
  );
}

/**
 * The topics' records as the Java client reads them (read_committed, by assignment), in one JVM. With an
 * expected count per topic, waits up to `timeoutMs` per topic for that many and returns what arrived by then.
 */
export async function dumpTopics(
  cluster: string,
  topics: Array<{ topic: string; expected?: number }>,
  timeoutMs = 60_000,
): Promise<Map<string, DumpedRecord[]>> {
  const specs = topics.map((t) => (t.expected === undefined ? t.topic : `${t.topic}=${t.expected}`));
  const out = await java(
    cluster,
    ['dump', testCluster(cluster).bootstrap, String(timeoutMs), ...specs],
    timeoutMs * topics.length + 60_000,
  );
  const m = new Map<string, DumpedRecord[]>(topics.map((t) => [t.topic, []]));
  for (const l of out.split('\n')) {
    if (l.length === 0) continue;
    const r = JSON.parse(l) as DumpedRecord;
    m.get(r.topic)?.push(r);
  }
  return m;
}

export async function dumpTopic(
  cluster: string,
  topic: string,
  expected?: number,
  timeoutMs = 60_000,
): Promise<DumpedRecord[]> {
  return (
    await dumpTopics(cluster, [{ topic, ...(expected === undefined ? {} : { expected }) }], timeoutMs)
  ).get(topic)!;
}

/** A record without what may differ between source and target: topic name and offset (order stays). */
export type Fidelity = Omit<DumpedRecord, 'topic' | 'offset'>;

export function perPartition(rs: DumpedRecord[]): Map<number, Fidelity[]> {
  const m = new Map<number, Fidelity[]>();
  for (const { topic: _t, offset: _o, ...r } of rs) {
    const l = m.get(r.partition) ?? [];
    l.push(r);
    m.set(r.partition, l);
  }
  return new Map([...m].sort((a, b) => a[0] - b[0]));
}

/** Decoded for a readable failure message: the first record that differs, or undefined when equal. */
export function firstDifference(
  source: Map<number, Fidelity[]>,
  target: Map<number, Fidelity[]>,
): string | undefined {
  const show = (r: Fidelity | undefined) =>
    r === undefined
      ? 'nothing'
      : JSON.stringify({
          key: r.key === null ? null : Buffer.from(r.key, 'base64').toString('utf8').slice(0, 40),
          value: r.value === null ? null : `${Buffer.from(r.value, 'base64').length} bytes`,
          headers: r.headers.map(([k, v]) => [
            k,
            v === null ? null : Buffer.from(v, 'base64').toString('utf8').slice(0, 20),
          ]),
          timestamp: r.timestamp,
          timestampType: r.timestampType,
        });
  for (const p of new Set([...source.keys(), ...target.keys()])) {
    const s = source.get(p) ?? [];
    const t = target.get(p) ?? [];
    for (let i = 0; i < Math.max(s.length, t.length); i++) {
      if (JSON.stringify(s[i]) !== JSON.stringify(t[i]))
        return `partition ${p}, record #${i} of ${s.length} (target has ${t.length}): source ${show(s[i])}, target ${show(t[i])}`;
    }
  }
  return undefined;
}
