// Summaries of repeated runs: median with min and max, and the ratios the goals are stated in.

export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** Median (mean of the middle two for an even count), min and max of the finite values; undefined if none. */
export function summarise(values: Array<number | undefined>): Summary | undefined {
  const v = values.filter((x): x is number => x !== undefined && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return undefined;
  const mid = Math.floor(v.length / 2);
  const median = v.length % 2 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
  return { median, min: v[0]!, max: v.at(-1)!, n: v.length };
}

/** a / b of two medians, or undefined when either is missing or b is 0. */
export function ratio(a: Summary | undefined, b: Summary | undefined): number | undefined {
  if (!a || !b || b.median === 0) return undefined;
  return a.median / b.median;
}

export interface Goal {
  name: string;
  /** 'min': the ratio must be at least target; 'max': at most. */
  kind: 'min' | 'max';
  target: number;
}

/** The goals, per scenario: Ferry vs MM2 and vs the raw limit. */
export const GOALS = {
  throughputVsMm2: { name: 'throughput >= 3x MM2', kind: 'min', target: 3 },
  throughputVsRaw: { name: 'throughput >= 70% of raw', kind: 'min', target: 0.7 },
  cpuVsMm2: { name: 'CPU-s/GB <= 0.3x MM2', kind: 'max', target: 0.3 },
  p99VsMm2: { name: 'p99 <= 0.5x MM2', kind: 'max', target: 0.5 },
} as const satisfies Record<string, Goal>;

export function meets(goal: Goal, r: number | undefined): boolean | undefined {
  if (r === undefined) return undefined;
  return goal.kind === 'min' ? r >= goal.target : r <= goal.target;
}
