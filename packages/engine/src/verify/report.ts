/*
 * A verification report: JSON-safe (offsets as decimal strings), stored as is by the control plane.
 */

export type DifferenceFieldName = 'key' | 'value' | 'headers' | 'timestamp' | 'missing' | 'extra';

export interface FirstDifference {
  /** The replicated source record concerned (for an extra target record: the one whose copy follows it). */
  sourceOffset: string;
  targetOffset?: string;
  field: DifferenceFieldName;
  detail: string;
}

export interface PartitionVerification {
  topic: string;
  partition: number;
  remoteTopic: string;
  /** First source offset compared; null when nothing was. */
  sourceFrom: string | null;
  /** The replicated position (next source offset to copy) the comparison ends at; null when none committed. */
  sourceTo: string | null;
  checked: number;
  matched: number;
  missing: number;
  mismatched: number;
  extra: number;
  /** Replicated records the source no longer holds (compaction, retention): not compared. */
  sourceGone: number;
  firstDifference?: FirstDifference;
  /** Why this partition compared fewer records than asked, in words. */
  note?: string;
}

export interface VerificationTotals {
  partitions: number;
  /** Partitions with at least one record compared. */
  compared: number;
  checked: number;
  matched: number;
  missing: number;
  mismatched: number;
  extra: number;
  sourceGone: number;
}

export interface VerificationReport {
  flow: string;
  source: string;
  target: string;
  recordsPerPartition: number;
  startedAt: string;
  durationMs: number;
  partitions: PartitionVerification[];
  totals: VerificationTotals;
  /** True when no partition has a missing, different or extra record. */
  ok: boolean;
  /** How to read the report (what was compared and how). */
  notes: string[];
}

export function totalsOf(ps: readonly PartitionVerification[]): VerificationTotals {
  const t: VerificationTotals = {
    partitions: ps.length,
    compared: 0,
    checked: 0,
    matched: 0,
    missing: 0,
    mismatched: 0,
    extra: 0,
    sourceGone: 0,
  };
  for (const p of ps) {
    if (p.checked > 0) t.compared++;
    t.checked += p.checked;
    t.matched += p.matched;
    t.missing += p.missing;
    t.mismatched += p.mismatched;
    t.extra += p.extra;
    t.sourceGone += p.sourceGone;
  }
  return t;
}
