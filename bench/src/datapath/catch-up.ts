// Watches a replicator fill its target topic: catch-up is timed from the first record on the target to the
// last (so start-up, e.g. MM2's JVM or the web app, is excluded and reported apart), with CPU and peak RSS of
// the replicator's process trees sampled from /proc on every poll. The target's high watermarks are polled
// every POLL_MS (~20 ms: two ListOffsets on a connection of its own), so a catch-up of a few seconds is timed
// to about 1 %.
import { pollWatermarks } from './kafka-admin.ts';
import { TreeSampler } from './procfs.ts';

export interface CatchUp {
  startupSeconds: number;
  seconds: number;
  /** CPU seconds of the replicator between the first and the last record. */
  cpuSeconds: number;
  /** CPU seconds from process start to the last record (start-up included). */
  totalCpuSeconds: number;
  peakRssMiB: number;
  highWatermark: number;
  /** Polls between the first and the last record, and their mean interval (the timing's resolution). */
  polls: number;
  meanPollMs: number;
  /** The copy's window on the monotonic clock (µs), to cut a CPU profile to it. */
  windowUs?: { fromUs: number; toUs: number };
}

export const POLL_MS = 20;

export interface Poll {
  at: number;
  /** Sum of the target topic's high watermarks. */
  hw: number;
  cpu: number;
  rss: number;
  /** process.hrtime in µs (CLOCK_MONOTONIC, what V8 stamps CPU profile samples with). */
  monoUs?: number;
}

export interface ClockOptions {
  records: number;
  /** The watermarks must stay still this long once they reach the record count. */
  stillMinMs: number;
  /** ... and at least this many times the longest pause seen during the copy (a pause is not the end). */
  stillGapFactor: number;
  stillMaxMs: number;
}

export const CLOCK_DEFAULTS = { stillMinMs: 500, stillGapFactor: 3, stillMaxMs: 5000 } as const;

/**
 * The catch-up clock, pure (fed one poll at a time, for tests). The copy starts at the first poll that sees
 * a record and ends at the last poll that saw the watermarks move (an exactly-once target's transaction
 * markers included); it is over once they reached the record count and then stayed still long enough.
 */
export class CatchUpClock {
  private first?: Poll;
  private last?: Poll;
  private prevHw = 0;
  private maxGapMs = 0;
  private polls = 0;
  private pollsAtLast = 0;
  private peak = 0;

  private readonly o: ClockOptions;

  constructor(o: ClockOptions) {
    this.o = o;
  }

  /** True once the catch-up is over. */
  observe(p: Poll): boolean {
    this.peak = Math.max(this.peak, p.rss);
    if (p.hw > 0 && !this.first) {
      this.first = p;
      this.last = p;
      this.prevHw = p.hw;
      return false;
    }
    if (!this.first) return false;
    this.polls++;
    if (p.hw !== this.prevHw) {
      this.maxGapMs = Math.max(this.maxGapMs, p.at - this.last!.at);
      this.last = p;
      this.prevHw = p.hw;
      this.pollsAtLast = this.polls;
    }
    return p.hw >= this.o.records && p.at - this.last!.at >= this.stillMs();
  }

  stillMs(): number {
    return Math.min(this.o.stillMaxMs, Math.max(this.o.stillMinMs, this.o.stillGapFactor * this.maxGapMs));
  }

  get highWatermark(): number {
    return this.prevHw;
  }

  result(startedAt: number): CatchUp {
    if (!this.first || !this.last) throw new Error('no record arrived');
    const polls = Math.max(1, this.pollsAtLast);
    const span = this.last.at - this.first.at;
    // A copy over between two polls reads as one poll long (the resolution), not as zero.
    const seconds = Math.max(span, POLL_MS) / 1000;
    return {
      startupSeconds: (this.first.at - startedAt) / 1000,
      seconds,
      cpuSeconds: this.last.cpu - this.first.cpu,
      totalCpuSeconds: this.last.cpu,
      peakRssMiB: this.peak,
      highWatermark: this.prevHw,
      polls,
      meanPollMs: this.pollsAtLast > 0 ? span / this.pollsAtLast : POLL_MS,
      windowUs:
        this.first.monoUs !== undefined && this.last.monoUs !== undefined
          ? { fromUs: this.first.monoUs, toUs: this.last.monoUs }
          : undefined,
    };
  }
}

export async function watchCatchUp(o: {
  target: string;
  topic: string;
  /** The target topic's partition count (the source's). */
  partitions: number;
  records: number;
  /** The replicator's root processes (each one's tree is counted). */
  pids: () => number[];
  startedAt: number;
  alive: () => boolean;
  timeoutMs: number;
}): Promise<CatchUp> {
  const sampler = new TreeSampler(o.pids);
  const clock = new CatchUpClock({ records: o.records, ...CLOCK_DEFAULTS });
  for (;;) {
    const pollStart = performance.now();
    // the poll's time is when its answer came back: a record counted was there by then
    const hw = await pollWatermarks(o.target, o.topic, o.partitions);
    const at = performance.now();
    const monoUs = Number(process.hrtime.bigint() / 1000n);
    const s = sampler.sample(at);
    if (clock.observe({ at, hw, cpu: s.cpuSeconds, rss: s.rssHwmMiB, monoUs })) break;
    if (!o.alive())
      throw new Error(
        `the replicator exited with ${clock.highWatermark} of ${o.records} records on ${o.topic}`,
      );
    if (at - o.startedAt > o.timeoutMs)
      throw new Error(
        `catch-up did not finish in ${o.timeoutMs / 1000} s (${clock.highWatermark} of ${o.records} records)`,
      );
    const wait = POLL_MS - (performance.now() - pollStart);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return clock.result(o.startedAt);
}
