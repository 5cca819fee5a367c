// Watches a replicator fill its target topic: catch-up is timed from the first record on the target to the
// last (so start-up, e.g. MM2's JVM, is excluded and reported apart), with CPU and peak RSS of the
// replicator's process tree sampled from /proc on every poll.
import { highWatermarks } from './kafka-admin.ts';
import { sampleTree } from './procfs.ts';

export interface CatchUp {
  startupSeconds: number;
  seconds: number;
  /** CPU seconds of the replicator between the first and the last record. */
  cpuSeconds: number;
  /** CPU seconds from process start to the last record (start-up included). */
  totalCpuSeconds: number;
  peakRssMiB: number;
  highWatermark: number;
}

const POLL_MS = 200;
/** Once the watermarks reach the record count, they must stay still this many polls (transaction markers). */
const STILL_POLLS = 3;

export async function watchCatchUp(o: {
  target: string;
  topic: string;
  records: number;
  pids: () => number[];
  startedAt: number;
  alive: () => boolean;
  timeoutMs: number;
}): Promise<CatchUp> {
  const sample = () => {
    let cpu = 0;
    let rss = 0;
    for (const pid of o.pids()) {
      const s = sampleTree(pid);
      cpu += s.cpuSeconds;
      rss += s.rssHwmMiB;
    }
    return { cpu, rss };
  };
  let first = 0;
  let firstCpu = 0;
  let last = 0;
  let lastCpu = 0;
  let hw = 0;
  let still = 0;
  let peak = 0;
  for (;;) {
    const now = performance.now();
    const n = await highWatermarks(o.target, o.topic);
    const s = sample();
    peak = Math.max(peak, s.rss);
    if (n > 0 && first === 0) {
      first = now;
      firstCpu = s.cpu;
    }
    if (n !== hw) {
      hw = n;
      last = now;
      lastCpu = s.cpu;
      still = 0;
    } else if (n >= o.records) still++;
    if (n >= o.records && still >= STILL_POLLS) break;
    if (!o.alive()) throw new Error(`the replicator exited with ${hw} of ${o.records} records on ${o.topic}`);
    if (now - o.startedAt > o.timeoutMs)
      throw new Error(`catch-up did not finish in ${o.timeoutMs / 1000} s (${hw} of ${o.records} records)`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return {
    startupSeconds: (first - o.startedAt) / 1000,
    seconds: Math.max(POLL_MS, last - first) / 1000, // one poll at least: a run over in one poll reads as one poll long
    cpuSeconds: lastCpu - firstCpu,
    totalCpuSeconds: lastCpu,
    peakRssMiB: peak,
    highWatermark: hw,
  };
}
