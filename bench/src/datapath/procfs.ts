// CPU time and peak memory of a process and its descendants, from /proc (Linux).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface ProcStat {
  pid: number;
  ppid: number;
  /** utime + stime of the process (all its threads), seconds. */
  cpu: number;
  /** cutime + cstime: children that exited and were waited for, seconds. */
  childCpu: number;
}

/** /proc/<pid>/stat's fields after the command name. Pure, for tests. */
export function parseStat(pid: number, text: string): ProcStat {
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // f[0] = state (field 3), so field n is f[n - 3]
  return {
    pid,
    ppid: Number(f[1]),
    cpu: (Number(f[11]) + Number(f[12])) / TICKS_PER_SECOND,
    childCpu: (Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND,
  };
}

/** VmHWM (peak resident set) in KiB from /proc/<pid>/status. Pure, for tests. */
export function parseHwmKiB(status: string): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(status);
  return m ? Number(m[1]) : 0;
}

function stat(pid: number): ProcStat | undefined {
  try {
    return parseStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The pid and every live descendant. */
export function processTree(root: number): number[] {
  const all: ProcStat[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s) all.push(s);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const s of all) if (s.ppid === tree[i]) tree.push(s.pid);
  return tree;
}

export interface TreeSample {
  cpuSeconds: number;
  rssHwmMiB: number;
}

/** CPU seconds of the tree (live processes plus waited-for children) and the sum of their peak RSS. */
export function sampleTree(root: number): TreeSample {
  let cpu = 0;
  let hwm = 0;
  for (const pid of processTree(root)) {
    const s = stat(pid);
    if (!s) continue;
    cpu += s.cpu + (pid === root ? s.childCpu : 0);
    try {
      hwm += parseHwmKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      // exited between the two reads
    }
  }
  return { cpuSeconds: cpu, rssHwmMiB: hwm / 1024 };
}

/**
 * Samples the trees of several roots cheaply enough to run every ~20 ms: the tree's membership (a scan of
 * /proc) is refreshed at most every `rescanMs`; in between only the known pids' stat and status are read.
 * CPU of a process that left the tree between two samples is kept (its last reading), so the total never
 * goes down.
 */
export class TreeSampler {
  private pids: number[] = [];
  private scannedAt = -Infinity;
  private readonly lastCpu = new Map<number, number>();
  private peakMiB = 0;

  private readonly roots: () => number[];
  private readonly rescanMs: number;

  constructor(roots: () => number[], rescanMs = 500) {
    this.roots = roots;
    this.rescanMs = rescanMs;
  }

  sample(now = performance.now()): TreeSample {
    if (now - this.scannedAt >= this.rescanMs) {
      this.pids = this.roots().flatMap((r) => processTree(r));
      this.scannedAt = now;
    }
    let hwm = 0;
    for (const pid of this.pids) {
      const s = stat(pid);
      if (!s) continue;
      const isRoot = this.roots().includes(pid);
      this.lastCpu.set(pid, s.cpu + (isRoot ? s.childCpu : 0));
      try {
        hwm += parseHwmKiB(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        // exited between the two reads
      }
    }
    this.peakMiB = Math.max(this.peakMiB, hwm / 1024);
    let cpu = 0;
    for (const c of this.lastCpu.values()) cpu += c;
    return { cpuSeconds: cpu, rssHwmMiB: this.peakMiB };
  }
}
