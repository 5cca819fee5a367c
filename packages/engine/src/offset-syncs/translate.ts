import { runRecords, type ExactSync } from './sync-record.ts';

/*
 * Exact translation of a committed source offset S (the next record the group will read) to the target offset
 * the same group must use on the remote topic: the target offset of the first REPLICATED record with source
 * offset >= S, or the target end of what was replicated when nothing replicated is >= S. Pure: the syncs of one
 * partition in target order (= source order) plus what is known about the partition.
 */

export interface TranslateContext {
  /** Next source offset the data path will replicate (its committed position), when known. */
  replicationPosition?: bigint;
  /** Source log start offset now, when known: detects records deleted before they were replicated. */
  sourceLogStart?: bigint;
  /** Replication of this partition began at the source log start ('earliest'), not later. */
  beganAtLogStart?: boolean;
}

export type Translation =
  | { exact: true; upstreamOffset: bigint; downstreamOffset: bigint }
  | { exact: false; upstreamOffset: bigint; reason: string; code: UntranslatableCode };

export type UntranslatableCode = 'NOTHING_REPLICATED' | 'BEFORE_REPLICATION_START' | 'TRUNCATED_BEFORE_REPLICATION' | 'NOT_YET_REPLICATED';

function firstSource(s: ExactSync): bigint | undefined {
  return s.runs[0]?.start;
}

function targetEnd(s: ExactSync): bigint {
  return s.targetBaseOffset + BigInt(runRecords(s.runs));
}

/** Target offset of the first record of `s` with source offset >= S, if any. */
function firstAtOrAfter(s: ExactSync, S: bigint): bigint | undefined {
  let k = 0n;
  for (const r of s.runs) {
    const end = r.start + BigInt(r.length);
    if (S < end) return s.targetBaseOffset + k + (S > r.start ? S - r.start : 0n);
    k += BigInt(r.length);
  }
  return undefined;
}

export function translateExact(syncs: readonly ExactSync[], S: bigint, ctx: TranslateContext = {}): Translation {
  const no = (code: UntranslatableCode, reason: string): Translation => ({ exact: false, upstreamOffset: S, code, reason });
  const nonEmpty = syncs.filter((s) => s.runs.length > 0);
  const last = syncs[syncs.length - 1];
  if (!last || nonEmpty.length === 0) {
    if (ctx.replicationPosition !== undefined && S <= ctx.replicationPosition && last) {
      return { exact: true, upstreamOffset: S, downstreamOffset: last.targetBaseOffset };
    }
    return no('NOTHING_REPLICATED', `nothing of this partition has been replicated yet, so source offset ${S} has no target offset`);
  }
  const first = nonEmpty[0]!;
  const firstRec = firstSource(first)!;
  if (S < firstRec) {
    const began = first.fromSource;
    if (ctx.sourceLogStart !== undefined && S < ctx.sourceLogStart && (began === undefined || S < began)) {
      return no(
        'TRUNCATED_BEFORE_REPLICATION',
        `the source deleted records from ${S} up to ${ctx.sourceLogStart} (its log start now) by retention before they were replicated: the group lost them`,
      );
    }
    const covered = began !== undefined ? S >= began : ctx.beganAtLogStart === true;
    if (!covered) {
      return no(
        'BEFORE_REPLICATION_START',
        `the group is at source offset ${S}, before where replication of this partition began (${began ?? firstRec}): records in between were never replicated`,
      );
    }
    return { exact: true, upstreamOffset: S, downstreamOffset: first.targetBaseOffset };
  }
  // the first sync whose range reaches past S holds the answer, or the next non-empty one does
  let lo = 0;
  let hi = syncs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (syncs[mid]!.nextSource > S) hi = mid;
    else lo = mid + 1;
  }
  for (let i = lo; i < syncs.length; i++) {
    const t = firstAtOrAfter(syncs[i]!, S);
    if (t !== undefined) return { exact: true, upstreamOffset: S, downstreamOffset: t };
  }
  const replicatedTo = last.nextSource > (ctx.replicationPosition ?? -1n) ? last.nextSource : ctx.replicationPosition!;
  if (S <= replicatedTo) return { exact: true, upstreamOffset: S, downstreamOffset: targetEnd(lastNonEmpty(syncs)) };
  return no(
    'NOT_YET_REPLICATED',
    `the group is at source offset ${S} but replication has only reached ${replicatedTo}: records in between are not on the target yet`,
  );
}

function lastNonEmpty(syncs: readonly ExactSync[]): ExactSync {
  for (let i = syncs.length - 1; i >= 0; i--) if (syncs[i]!.runs.length > 0) return syncs[i]!;
  return syncs[syncs.length - 1]!;
}
