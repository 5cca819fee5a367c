// Top self-time functions of a V8 CPU profile (`node --cpu-prof`). Pure, for tests.

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SelfTime {
  fn: string;
  ms: number;
  share: number;
}

function label(n: CpuProfileNode): string {
  const f = n.callFrame;
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  const file = f.url.replace(/^file:\/\//, '').replace(/^.*\/(packages|apps|node_modules)\//, '$1/');
  return `${name} ${file}:${f.lineNumber + 1}`;
}

/** The profile's span in seconds. */
export function profileSeconds(p: CpuProfile): number {
  return (p.endTime - p.startTime) / 1e6;
}

/**
 * Self time per function (samples weighted by their time deltas), largest first. With a window (µs on the
 * monotonic clock V8 stamps samples with, the one `process.hrtime` reads in any process), only the samples
 * in it count: the catch-up alone, without start-up and the latency phase.
 */
export function topSelfTime(
  p: CpuProfile,
  limit = 15,
  window?: { fromUs: number; toUs: number },
): SelfTime[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const ms = new Map<string, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  if (samples.length > 0) {
    let at = p.startTime;
    for (let k = 0; k < samples.length; k++) {
      at += deltas[k] ?? 0;
      if (window && (at < window.fromUs || at > window.toUs)) continue;
      const n = byId.get(samples[k]!);
      if (!n) continue;
      // the delta before sample k+1 is the time sample k stood for
      const d = (deltas[k + 1] ?? deltas[k] ?? 0) / 1000;
      ms.set(label(n), (ms.get(label(n)) ?? 0) + d);
    }
  } else {
    const total = p.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
    const span = (p.endTime - p.startTime) / 1000;
    for (const n of p.nodes) ms.set(label(n), (ms.get(label(n)) ?? 0) + ((n.hitCount ?? 0) / total) * span);
  }
  const sum = [...ms.values()].reduce((a, b) => a + b, 0) || 1;
  return [...ms]
    .map(([fn, t]) => ({ fn, ms: t, share: t / sum }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, limit);
}
