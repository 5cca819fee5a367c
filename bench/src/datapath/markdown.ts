// The run's report, ready to append to docs/benchmarks.md: the machine, the load during the run, where the
// wall time went (and what a full run would take from those parts), the results and ratio tables, and the
// profiles' top self-time functions. Pure, for tests; run.ts and report.ts print it.
import {
  ratioRows,
  ratioTable,
  resultsTable,
  type ScenarioFigures,
  sameGuaranteeRatios,
  sameGuaranteeTable,
} from './table.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  java: string;
  kafka: string;
  kernel?: string;
  /** The target broker's log dir: the first write into a fresh memory-mapped index-sized file (BenchTool mmap). */
  targetStorage?: { dir: string; files: number; mmapP50Ms: number; mmapP99Ms: number; writeP50Ms: number };
}

/**
 * What a new partition costs the target broker on this disk: Kafka memory-maps two preallocated index files
 * per log segment, and their first write is a page fault into a sparse file (docs/benchmarks.md, "1000p: the
 * target's disk"). Empty when not measured.
 */
export function storageLine(m: Machine): string {
  const s = m.targetStorage;
  if (!s) return '';
  const f = (x: number) => (x < 0.1 ? x.toFixed(3) : x.toFixed(2));
  return (
    `Target log dir ${s.dir}: first write into a fresh memory-mapped 10 MiB file (a new Kafka index) p50 ${f(s.mmapP50Ms)} ms, ` +
    `p99 ${f(s.mmapP99Ms)} ms; first write() into one ${f(s.writeP50Ms)} ms (${s.files} files each). `
  );
}

/** One system run's wall time and its parts (seconds). */
export interface Phase {
  scenario: string;
  system: string;
  run: number;
  wallSeconds: number;
  startupSeconds?: number;
  catchUpSeconds?: number;
  /** The fixed-rate latency phase, waiting for its topic included. */
  latencyPhaseSeconds?: number;
  failed?: boolean;
  /** The first attempt's error when the run was retried (or, with failed, the last attempt's). */
  retriedAfter?: string;
}

export interface ProfileTop {
  scenario: string;
  system: string;
  file: string;
  /** Seconds the profile spans, and how many of them the top list covers (the catch-up window). */
  seconds: number;
  windowSeconds?: number;
  top: { fn: string; ms: number; share: number }[];
}

export interface ReportInput {
  at: string;
  command: string;
  complete: boolean;
  machine: Machine;
  /** 1-minute load averages sampled during the run. */
  load1: number[];
  wallSeconds: number;
  setupSeconds: number;
  webBuildSeconds: number;
  seeds: { scenario: string; seconds: number }[];
  phases: Phase[];
  runs: number;
  latencyRuns: number;
  /** Seconds of each latency phase sent first and not counted (the same for every system). */
  latencyWarmupSeconds?: number;
  mm2Settings: string;
  /** What `mm2-eos` adds to the MM2 settings, when it ran. */
  mm2ExactlyOnceSettings?: string;
  figures: ScenarioFigures[];
  profiles: ProfileTop[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => (xs.length ? sum(xs) / xs.length : 0);
const s0 = (x: number) => `${Math.round(x)} s`;

export function loadRange(load1: number[]): { min: number; max: number } | undefined {
  if (load1.length === 0) return undefined;
  return { min: Math.min(...load1), max: Math.max(...load1) };
}

/**
 * What `--runs runs` with latency in the first `latencyRuns` would take, from the measured parts: set-up,
 * seeds, and per scenario and system the mean wall time of a run without its latency phase, times runs, plus
 * the mean latency phase, times latencyRuns. A web build is not included (the lead builds beforehand).
 */
export function projectWall(
  p: Pick<ReportInput, 'setupSeconds' | 'seeds' | 'phases'>,
  runs: number,
  latencyRuns: number,
): number {
  let t = p.setupSeconds + sum(p.seeds.map((s) => s.seconds));
  const keys = [...new Set(p.phases.map((x) => `${x.scenario}\u0000${x.system}`))];
  for (const k of keys) {
    const ps = p.phases.filter((x) => `${x.scenario}\u0000${x.system}` === k && !x.failed);
    if (ps.length === 0) continue;
    const lat = ps.filter((x) => (x.latencyPhaseSeconds ?? 0) > 0).map((x) => x.latencyPhaseSeconds!);
    const bare = mean(ps.map((x) => x.wallSeconds - (x.latencyPhaseSeconds ?? 0)));
    t += runs * bare + Math.min(runs, latencyRuns) * mean(lat);
  }
  return t;
}

/** Where the wall time went, per system: runs, start-ups, catch-ups, latency phases, the rest. */
export function phaseTable(phases: Phase[]): string {
  const systems = [...new Set(phases.map((p) => p.system))];
  const out = [
    '| system | runs | wall s | start-ups s | catch-ups s | latency phases s | rest s (set-up, stop, clean-up) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const sys of systems) {
    const ps = phases.filter((p) => p.system === sys);
    const wall = sum(ps.map((p) => p.wallSeconds));
    const st = sum(ps.map((p) => p.startupSeconds ?? 0));
    const cu = sum(ps.map((p) => p.catchUpSeconds ?? 0));
    const lat = sum(ps.map((p) => p.latencyPhaseSeconds ?? 0));
    out.push(
      `| ${sys} | ${ps.length} | ${wall.toFixed(0)} | ${st.toFixed(0)} | ${cu.toFixed(1)} | ${lat.toFixed(0)} | ${(wall - st - cu - lat).toFixed(0)} |`,
    );
  }
  return out.join('\n');
}

/** The goals a scenario missed, one line each, for the notes under the ratio table. */
export function missedGoals(figures: ScenarioFigures[]): string[] {
  return ratioRows(figures)
    .filter((r) => r.met === false)
    .map((r) => `${r.scenario} ${r.system}: ${r.goal.name} missed (${r.ratio!.toFixed(2)}×)`);
}

export function markdownReport(r: ReportInput): string {
  const l = loadRange(r.load1);
  const m = r.machine;
  const lines: string[] = [];
  lines.push(
    `### \`${r.command}\` (${r.at.slice(0, 16).replace('T', ' ')} UTC)${r.complete ? '' : ' — cut short'}`,
  );
  lines.push('');
  lines.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB RAM${m.kernel ? `, Linux ${m.kernel}` : ''}; Node ${m.node}; ${m.java}; Kafka ${m.kafka}. ` +
      storageLine(m) +
      `1-minute load average during the run: ${l ? `min ${l.min.toFixed(2)}, max ${l.max.toFixed(2)}` : 'not sampled'}. ` +
      `Wall time ${s0(r.wallSeconds)} (set-up ${s0(r.setupSeconds)}, seeds ${s0(sum(r.seeds.map((s) => s.seconds)))}` +
      `${r.webBuildSeconds > 0 ? `, web build ${s0(r.webBuildSeconds)}` : ''}). ` +
      `Median of ${r.runs} run${r.runs === 1 ? '' : 's'} (min–max); latency in the first ${Math.min(r.latencyRuns, r.runs)}` +
      `${r.latencyWarmupSeconds ? `, after ${r.latencyWarmupSeconds} s at the same rate not counted (every system)` : ''}.`,
  );
  lines.push('');
  for (const f of r.figures)
    lines.push(
      `- ${f.scenario}: ${f.title}; ${f.records.toLocaleString('en-US')} records, ${f.volumeMiB.toFixed(0)} MiB`,
    );
  lines.push('');
  lines.push(`MM2 settings: ${r.mm2Settings}`);
  if (r.mm2ExactlyOnceSettings)
    lines.push('', `mm2-eos: the same MM2 settings and ${r.mm2ExactlyOnceSettings}`);
  lines.push('');
  lines.push(resultsTable(r.figures));
  lines.push('');
  lines.push(ratioTable(ratioRows(r.figures)));
  const same = sameGuaranteeRatios(r.figures);
  if (same.length > 0) {
    lines.push('');
    lines.push(
      'Extra, not a goal (the goals above compare against `mm2`): each Ferry system against the MM2 that writes with the same guarantee — exactly-once Ferry against `mm2-eos` (MM2 with exactly-once source support), `ferry-alo` (Ferry at-least-once) against `mm2` (at-least-once).',
    );
    lines.push('');
    lines.push(sameGuaranteeTable(same));
  }
  const missed = missedGoals(r.figures);
  if (missed.length > 0) {
    lines.push('');
    lines.push('Goals missed:');
    lines.push('');
    for (const x of missed) lines.push(`- ${x}`);
  }
  const troubles = r.phases.filter((p) => p.retriedAfter);
  if (troubles.length > 0) {
    lines.push('');
    lines.push('Runs that failed (each is retried once with a fresh alias):');
    lines.push('');
    for (const p of troubles) {
      const ls = p.retriedAfter!.split('\n').filter(Boolean);
      const why = ls.length > 1 ? `${ls[0]} … ${ls.at(-1)}` : (ls[0] ?? '');
      lines.push(
        `- ${p.scenario} ${p.system} run ${p.run + 1}: ${p.failed ? 'failed twice' : 'retried'}; ${why.slice(0, 400)}`,
      );
    }
  }
  lines.push('');
  lines.push('Where the wall time went:');
  lines.push('');
  lines.push(phaseTable(r.phases));
  for (const p of r.profiles) {
    lines.push('');
    const span = p.windowSeconds !== undefined ? `the ${p.windowSeconds.toFixed(1)} s catch-up of` : 'all of';
    lines.push(
      `Profile, ${p.scenario} ${p.system} (run 1, ${span} a ${p.seconds.toFixed(0)} s profile; \`${p.file}\`), top self time:`,
    );
    lines.push('');
    for (const t of p.top.slice(0, 12))
      lines.push(`- ${(t.share * 100).toFixed(1)} % (${t.ms.toFixed(0)} ms) \`${t.fn}\``);
  }
  return `${lines.join('\n')}\n`;
}
