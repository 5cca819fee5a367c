import { type ExactSync, runRecords } from './sync-record.ts';

/*
 * Exact translation of a committed source offset S (the next record the group will read) to the target offset
 * the same group must use on the remote topic: the target offset of the first REPLICATED record with source
 * offset >= S, or the target end of what was replicated when nothing replicated is >= S. Pure: the syncs of one
 * partition in target order (= source order) plus what is known about the partition.
 */

export interface TranslateContext {
  /**
   * The data path's committed position (next source offset), when known: only quoted in reasons. It never
   * extends exactness past the last visible sync: positions and syncs become visible independently (transaction
   * markers are written asynchronously), so a position ahead of the syncs may hide records not yet visible.
   */
  replicationPosition?: bigint;
  /** Source log start offset now, when known: detects records deleted before they were replicated. */
  sourceLogStart?: bigint;
  /** Replication of this partition began at the source log start ('earliest'), not later. */
  beganAtLogStart?: boolean;
}

export type Translation =
  | { exact: true; upstreamOffset: bigint; downstreamOffset: bigint }
  | { exact: false; upstreamOffset: bigint; reason: string; code: UntranslatableCode };

export type UntranslatableCode =
  | 'NOTHING_REPLICATED'
  | 'BEFORE_REPLICATION_START'
  | 'TRUNCATED_BEFORE_REPLICATION'
  | 'NOT_YET_REPLICATED';

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

export function translateExact(
  syncs: readonly ExactSync[],
  S: bigint,
  ctx: TranslateContext = {},
): Translation {
  const no = (code: UntranslatableCode, reason: string): Translation => ({
    exact: false,
    upstreamOffset: S,
    code,
    reason,
  });
  const last = syncs[syncs.length - 1];
  const first = syncs.find((s) => s.runs.length > 0);
  if (!last || !first) {
    return no(
      'NOTHING_REPLICATED',
      `nothing of this partition has been replicated yet, so source offset ${S} has no target offset`,
    );
  }
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
  // exactly at the end of what was replicated: the next replicated record (source offset >= S) lands after it
  if (S === last.nextSource)
    return { exact: true, upstreamOffset: S, downstreamOffset: targetEnd(lastNonEmpty(syncs)) };
  const position =
    ctx.replicationPosition !== undefined ? ` (its committed position is ${ctx.replicationPosition})` : '';
  return no(
    'NOT_YET_REPLICATED',
    `the group is at source offset ${S} but the offset syncs on the target reach source offset ${last.nextSource}${position}: records in between are not replicated (or not visible) yet, or were aborted at the end of the log; retried next round`,
  );
}

function lastNonEmpty(syncs: readonly ExactSync[]): ExactSync {
  for (let i = syncs.length - 1; i >= 0; i--) if (syncs[i]!.runs.length > 0) return syncs[i]!;
  return syncs[syncs.length - 1]!;
}
