/** A series as the metrics API returns it: [timestamp ms, value] pairs, oldest first. */
export type Points = [number, number][];

/**
 * Series with their own timestamps → uPlot's aligned columns: x in seconds (uPlot's time unit), one y column
 * per series with null where a series has no point at that x (a gap, never a made-up zero). Pure.
 */
export function alignSeries(series: Points[]): [number[], ...(number | null)[][]] {
  const xs = [...new Set(series.flatMap((s) => s.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const cols = series.map((s) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    for (const [t, v] of s) col[index.get(t)!] = v;
    return col;
  });
  return [xs.map((t) => t / 1000), ...cols];
}

/** Summary of a series for tests and screen readers: how many points, the last and the greatest value. */
export function seriesSummary(s: Points): { points: number; last: number | null; max: number | null } {
  if (s.length === 0) return { points: 0, last: null, max: null };
  let max = -Infinity;
  for (const [, v] of s) if (v > max) max = v;
  return { points: s.length, last: s[s.length - 1]![1], max };
}
