// The results table (markdown) and the per-scenario ratios against the goals.
import { GOALS, type Goal, meets, ratio, type Summary } from './stats.ts';

export interface SystemFigures {
  system: string;
  runs: number;
  mibPerSec?: Summary;
  recordsPerSec?: Summary;
  cpuSecondsPerGiB?: Summary;
  peakRssMiB?: Summary;
  startupSeconds?: Summary;
  p50Ms?: Summary;
  p99Ms?: Summary;
  note?: string;
}

export interface ScenarioFigures {
  scenario: string;
  title: string;
  records: number;
  volumeMiB: number;
  systems: SystemFigures[];
}

function num(n: number): string {
  if (n >= 1000) return Math.round(n).toLocaleString('en-US');
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

/** "median (min–max)", "median" for one run, "–" when missing. */
export function cell(s: Summary | undefined): string {
  if (!s) return '–';
  if (s.n === 1 || s.min === s.max) return num(s.median);
  return `${num(s.median)} (${num(s.min)}–${num(s.max)})`;
}

export function resultsTable(scenarios: ScenarioFigures[]): string {
  const out = [
    '| scenario | system | runs | catch-up MiB/s | records/s | CPU-s per GiB | peak RSS MiB | start-up s | p50 ms | p99 ms |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const sc of scenarios)
    for (const s of sc.systems)
      out.push(
        `| ${sc.scenario} | ${s.system} | ${s.runs} | ${cell(s.mibPerSec)} | ${cell(s.recordsPerSec)} | ${cell(s.cpuSecondsPerGiB)} | ${cell(s.peakRssMiB)} | ${cell(s.startupSeconds)} | ${cell(s.p50Ms)} | ${cell(s.p99Ms)} |`,
      );
  return out.join('\n');
}

export interface RatioRow {
  scenario: string;
  system: string;
  goal: Goal;
  ratio?: number;
  met?: boolean;
}

/** Ferry (headless and managed) against MM2 and the raw limit, per scenario, per goal. */
export function ratioRows(scenarios: ScenarioFigures[]): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const sc of scenarios) {
    const by = (name: string) => sc.systems.find((s) => s.system === name);
    const mm2 = by('mm2');
    const raw = by('raw');
    for (const name of ['ferry', 'ferry-managed']) {
      const f = by(name);
      if (!f) continue;
      const add = (goal: Goal, r: number | undefined) =>
        rows.push({ scenario: sc.scenario, system: name, goal, ratio: r, met: meets(goal, r) });
      add(GOALS.throughputVsMm2, ratio(f.mibPerSec, mm2?.mibPerSec));
      add(GOALS.throughputVsRaw, ratio(f.mibPerSec, raw?.mibPerSec));
      add(GOALS.cpuVsMm2, ratio(f.cpuSecondsPerGiB, mm2?.cpuSecondsPerGiB));
      add(GOALS.p99VsMm2, ratio(f.p99Ms, mm2?.p99Ms));
    }
  }
  return rows;
}

export function ratioTable(rows: RatioRow[]): string {
  const goals = Object.values(GOALS);
  const out = [
    `| scenario | system | ${goals.map((g) => g.name).join(' | ')} |`,
    `|---|---|${goals.map(() => '---').join('|')}|`,
  ];
  const keys = [...new Set(rows.map((r) => `${r.scenario}\u0000${r.system}`))];
  for (const k of keys) {
    const [scenario, system] = k.split('\u0000') as [string, string];
    const cells = goals.map((g) => {
      const r = rows.find((x) => x.scenario === scenario && x.system === system && x.goal.name === g.name);
      if (!r || r.ratio === undefined) return '–';
      return `${r.ratio.toFixed(2)}× ${r.met ? 'met' : 'missed'}`;
    });
    out.push(`| ${scenario} | ${system} | ${cells.join(' | ')} |`);
  }
  return out.join('\n');
}

export interface SameGuaranteeRatio {
  scenario: string;
  /** The Ferry system and the MM2 it is set against, both writing with the same guarantee. */
  system: string;
  against: 'mm2' | 'mm2-eos';
  throughput?: number;
  cpu?: number;
  p99?: number;
}

/** Ferry's systems against the MM2 that writes with the same guarantee (exactly-once / at-least-once). */
const SAME_GUARANTEE: readonly { ferry: string; mm2: 'mm2' | 'mm2-eos' }[] = [
  { ferry: 'ferry', mm2: 'mm2-eos' },
  { ferry: 'ferry-managed', mm2: 'mm2-eos' },
  { ferry: 'ferry-alo', mm2: 'mm2' },
];

/**
 * Extra information, not a goal: each Ferry system against the MM2 with the same delivery guarantee, where both
 * ran — Ferry (exactly-once by default) against MM2 with exactly-once source support (`mm2-eos`), and Ferry
 * at-least-once (`ferry-alo`) against MM2 as its users run it (`mm2`, at-least-once). The goals stay stated
 * against `mm2`.
 */
export function sameGuaranteeRatios(scenarios: ScenarioFigures[]): SameGuaranteeRatio[] {
  const rows: SameGuaranteeRatio[] = [];
  for (const sc of scenarios)
    for (const pairing of SAME_GUARANTEE) {
      const m = sc.systems.find((s) => s.system === pairing.mm2);
      const f = sc.systems.find((s) => s.system === pairing.ferry);
      if (!m || m.runs === 0 || !f || f.runs === 0) continue;
      rows.push({
        scenario: sc.scenario,
        system: pairing.ferry,
        against: pairing.mm2,
        throughput: ratio(f.mibPerSec, m.mibPerSec),
        cpu: ratio(f.cpuSecondsPerGiB, m.cpuSecondsPerGiB),
        p99: ratio(f.p99Ms, m.p99Ms),
      });
    }
  return rows;
}

export function sameGuaranteeTable(rows: SameGuaranteeRatio[]): string {
  const x = (r: number | undefined) => (r === undefined ? '–' : `${r.toFixed(2)}×`);
  return [
    '| scenario | system | against | throughput | CPU-s/GB | p99 |',
    '|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.system} | ${r.against} | ${x(r.throughput)} | ${x(r.cpu)} | ${x(r.p99)} |`,
    ),
  ].join('\n');
}
