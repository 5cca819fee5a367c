import type { ExactSync } from '../offset-syncs/sync-record.ts';
import { type ExpectedPair, mergeRanges, type TargetRange } from './compare.ts';

/*
 * Which records of a partition a verification compares: the last N replicated records before the partition's
 * committed position, and where each one is on the target, from Ferry's exact offset syncs (one sync per
 * produced chunk: the chunk's source offsets as runs, the k-th at targetBaseOffset + k). Pure.
 */

/** Replicated source records of a sync below `position`. */
function recordsBelow(s: ExactSync, position: bigint): number {
  let n = 0;
  for (const r of s.runs) {
    if (r.start >= position) break;
    const end = r.start + BigInt(r.length);
    n += Number((end <= position ? end : position) - r.start);
  }
  return n;
}

/**
 * The syncs of one partition, read in target order, keeping only what the last `n` records before `position`
 * need (and whatever follows them): memory stays within about `n` records' worth of syncs however long the
 * syncs topic is.
 */
export class SyncWindow {
  readonly position: bigint;
  readonly n: number;
  private list: ExactSync[] = [];
  private head = 0;
  private below = 0;

  constructor(position: bigint, n: number) {
    this.position = position;
    this.n = n;
  }

  add(s: ExactSync): void {
    this.list.push(s);
    this.below += recordsBelow(s, this.position);
    // drop syncs from the front while the ones after them still hold n records before the position
    while (this.list.length - this.head > 1) {
      const first = recordsBelow(this.list[this.head]!, this.position);
      if (this.below - first < this.n) break;
      this.below -= first;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.list.length) {
      this.list = this.list.slice(this.head);
      this.head = 0;
    }
  }

  /** Holds at least n replicated records before the position. */
  enough(): boolean {
    return this.below >= this.n;
  }

  syncs(): ExactSync[] {
    return this.list.slice(this.head);
  }
}

export interface WindowPlan {
  /** The last replicated records before the position, ascending by source offset, with their target offsets. */
  pairs: ExpectedPair[];
  /** Target offsets the syncs account for (merged, ascending), from the first pair on. */
  covered: TargetRange[];
  position: bigint;
  /** First source offset compared (= position when nothing is). */
  sourceFrom: bigint;
  /** First target offset to read (undefined when there is nothing to compare). */
  targetFrom: bigint | undefined;
  /** End of the last target range the syncs account for. */
  targetCoveredEnd: bigint | undefined;
  /** The source offset the syncs reach (after their last record); undefined without syncs. */
  syncedUpTo: bigint | undefined;
}

/**
 * The records to compare: the last `n` distinct source offsets below `position` that the syncs list, each
 * with its target offset (a source offset written twice — an at-least-once retry — counts with its latest copy).
 */
export function planWindow(syncs: readonly ExactSync[], position: bigint, n: number): WindowPlan {
  const seen = new Map<bigint, bigint>();
  outer: for (let i = syncs.length - 1; i >= 0; i--) {
    const s = syncs[i]!;
    let k = BigInt(s.runs.reduce((a, r) => a + r.length, 0));
    for (let j = s.runs.length - 1; j >= 0; j--) {
      const r = s.runs[j]!;
      k -= BigInt(r.length);
      if (r.start >= position) continue;
      const below = position - r.start;
      const top = below < BigInt(r.length) ? Number(below) - 1 : r.length - 1;
      for (let x = top; x >= 0; x--) {
        const src = r.start + BigInt(x);
        if (seen.has(src)) continue;
        seen.set(src, s.targetBaseOffset + k + BigInt(x));
        if (seen.size >= n) break outer;
      }
    }
  }
  const pairs = [...seen]
    .map(([sourceOffset, targetOffset]) => ({ sourceOffset, targetOffset }))
    .sort((a, b) => (a.sourceOffset < b.sourceOffset ? -1 : a.sourceOffset > b.sourceOffset ? 1 : 0));
  let targetFrom: bigint | undefined;
  for (const p of pairs)
    if (targetFrom === undefined || p.targetOffset < targetFrom) targetFrom = p.targetOffset;
  const covered = mergeRanges(
    syncs
      .map((s) => ({ start: s.targetBaseOffset, end: s.targetBaseOffset + BigInt(recordsOf(s)) }))
      .filter((r) => targetFrom === undefined || r.end > targetFrom),
  );
  return {
    pairs,
    covered,
    position,
    sourceFrom: pairs[0]?.sourceOffset ?? position,
    targetFrom,
    targetCoveredEnd: covered[covered.length - 1]?.end,
    syncedUpTo: syncs.reduce<bigint | undefined>(
      (m, s) => (m === undefined || s.nextSource > m ? s.nextSource : m),
      undefined,
    ),
  };
}

function recordsOf(s: ExactSync): number {
  return s.runs.reduce((a, r) => a + r.length, 0);
}
