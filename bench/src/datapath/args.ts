// `npm run bench -- <scenario|all> [--runs N] [--volume MiB] [--profile] [--systems a,b] [--latency-seconds S]
//   [--latency-warmup S] [--latency-runs N] [--tasks N] [--brokers disk|tmpfs] [--build-web] [--append-docs]`
import { SCENARIOS } from './scenarios.ts';

export const SYSTEMS = ['ferry', 'ferry-v1', 'ferry-alo', 'ferry-managed', 'mm2', 'mm2-eos', 'raw'] as const;
export type System = (typeof SYSTEMS)[number];
/**
 * What runs without --systems. Not `ferry-v1` (headless Ferry with `transaction.version=1`: transactions V1
 * where the target offers V2, for V1-against-V2 figures from one build), nor `ferry-alo` (headless Ferry with
 * `exactly.once=false`, MM2's own at-least-once guarantee), nor `mm2-eos` (MirrorMaker 2 with exactly-once source
 * support): the goals compare Ferry's default against `mm2`, and one more start per run would bring `all` too
 * close to its 25 minutes.
 */
export const DEFAULT_SYSTEMS: readonly System[] = ['ferry', 'ferry-managed', 'mm2', 'raw'];

/**
 * The order the systems run in, round by round: rotated by one each round, so no system always runs first. The
 * first system of a scenario's round was the slower in 11 of 12 paired runs on tmpfs (2026-12-03: ferry and
 * ferry-v1 in both orders, docs/benchmarks.md "Transactions V1 against V2, one build"), whichever it was.
 */
export function roundOrder<T>(systems: readonly T[], round: number): T[] {
  const n = systems.length;
  if (n === 0) return [];
  const k = ((round % n) + n) % n;
  return [...systems.slice(k), ...systems.slice(0, k)];
}

/**
 * Where the brokers keep their logs. `disk`: the test stack's source and target (.ferry/test-stack, the same
 * brokers the tests use). `tmpfs`: a source and a target of their own with their log dirs in /dev/shm (ports
 * from 39092, stopped and removed at the end), for telling the replicators' costs from the disk's: on some
 * VMs the first write into each new memory-mapped index is milliseconds (docs/benchmarks.md, "1000p: the
 * target's disk").
 */
export const BROKER_STORAGE = ['disk', 'tmpfs'] as const;
export type BrokerStorage = (typeof BROKER_STORAGE)[number];

export interface BenchArgs {
  scenarios: string[];
  runs: number;
  /** Overrides every scenario's volume (MiB). */
  volumeMiB?: number;
  profile: boolean;
  systems: System[];
  latencySeconds: number;
  /** Seconds of the latency phase sent first and not counted (the same for every system). */
  latencyWarmupSeconds: number;
  /** How many of the runs also measure latency (each one costs latencySeconds per system). */
  latencyRuns: number;
  tasks: number;
  brokers: BrokerStorage;
  /** Build apps/web (next build) when it has no production build, instead of stopping with how to. */
  buildWeb: boolean;
  /** Append the markdown report to docs/benchmarks.md at the end. */
  appendDocs: boolean;
}

export class BenchArgsError extends Error {
  readonly code = 'BENCH_ARGS';
}

function positive(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!v || !Number.isFinite(n) || n <= 0)
    throw new BenchArgsError(`${flag} needs a positive number, got "${v ?? ''}"`);
  return n;
}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const out: BenchArgs = {
    scenarios: [],
    runs: 3,
    profile: false,
    systems: [...DEFAULT_SYSTEMS],
    latencySeconds: 10,
    latencyWarmupSeconds: 3,
    latencyRuns: 1,
    tasks: 4,
    brokers: 'disk',
    buildWeb: false,
    appendDocs: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') out.runs = Math.round(positive(a, argv[++i]));
    else if (a === '--volume') out.volumeMiB = positive(a, argv[++i]);
    else if (a === '--latency-seconds') out.latencySeconds = Math.round(positive(a, argv[++i]));
    else if (a === '--latency-warmup') {
      const v = argv[++i];
      const n = Number(v);
      if (!v || !Number.isFinite(n) || n < 0)
        throw new BenchArgsError(`${a} needs 0 or more seconds, got "${v ?? ''}"`);
      out.latencyWarmupSeconds = Math.round(n);
    } else if (a === '--latency-runs') out.latencyRuns = Math.round(positive(a, argv[++i]));
    else if (a === '--tasks') out.tasks = Math.round(positive(a, argv[++i]));
    else if (a === '--brokers') {
      const v = argv[++i] ?? '';
      if (!(BROKER_STORAGE as readonly string[]).includes(v))
        throw new BenchArgsError(`--brokers takes ${BROKER_STORAGE.join(' or ')}, got "${v}"`);
      out.brokers = v as BrokerStorage;
    } else if (a === '--profile') out.profile = true;
    else if (a === '--build-web') out.buildWeb = true;
    else if (a === '--append-docs') out.appendDocs = true;
    else if (a === '--systems') {
      const list = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = list.filter((s) => !(SYSTEMS as readonly string[]).includes(s));
      if (list.length === 0 || bad.length > 0)
        throw new BenchArgsError(`--systems takes a list of ${SYSTEMS.join(', ')}; got "${bad.join(',')}"`);
      out.systems = list as System[];
    } else if (a === 'all') out.scenarios = SCENARIOS.map((s) => s.name);
    else if (a.startsWith('-')) throw new BenchArgsError(`unknown option ${a}`);
    else if (SCENARIOS.some((s) => s.name === a)) out.scenarios.push(a);
    else
      throw new BenchArgsError(
        `unknown scenario "${a}": one of ${SCENARIOS.map((s) => s.name).join(', ')} or all`,
      );
  }
  if (out.scenarios.length === 0) throw new BenchArgsError('name a scenario or all');
  return out;
}
