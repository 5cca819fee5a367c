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

export interface ExactlyOnceRatio {
  scenario: string;
  system: string;
  throughput?: number;
  cpu?: number;
  p99?: number;
}

/**
 * Extra information, not a goal: Ferry (always exactly-once) against MM2 with exactly-once source support
 * (`mm2-eos`), where both ran. The goals stay stated against `mm2`.
 */
export function exactlyOnceRatios(scenarios: ScenarioFigures[]): ExactlyOnceRatio[] {
  const rows: ExactlyOnceRatio[] = [];
  for (const sc of scenarios) {
    const eos = sc.systems.find((s) => s.system === 'mm2-eos');
    if (!eos || eos.runs === 0) continue;
    for (const name of ['ferry', 'ferry-managed']) {
      const f = sc.systems.find((s) => s.system === name);
      if (!f || f.runs === 0) continue;
      rows.push({
        scenario: sc.scenario,
        system: name,
        throughput: ratio(f.mibPerSec, eos.mibPerSec),
        cpu: ratio(f.cpuSecondsPerGiB, eos.cpuSecondsPerGiB),
        p99: ratio(f.p99Ms, eos.p99Ms),
      });
    }
  }
  return rows;
}

export function exactlyOnceTable(rows: ExactlyOnceRatio[]): string {
  const x = (r: number | undefined) => (r === undefined ? '–' : `${r.toFixed(2)}×`);
  return [
    '| scenario | system | Ferry / MM2 exactly-once: throughput | CPU-s/GB | p99 |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.scenario} | ${r.system} | ${x(r.throughput)} | ${x(r.cpu)} | ${x(r.p99)} |`),
  ].join('\n');
}
