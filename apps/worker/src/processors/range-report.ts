import type { RangeVerificationReport, VerificationReport } from '@ferry/engine';

type StoredPartition = VerificationReport['partitions'][number];

/**
 * The whole-range verification's report (`verifyFlowRange`, the function `ferry verify` runs) in the stored
 * shape of flow_verifications (the dashboard and the API read it). The range comparison streams both sides into
 * counts and digests and names the first divergent record; it does not count matches record by record, so:
 * `checked` = source records of the range, `missing` / `extra` = how many fewer / more records the target's
 * range holds, `mismatched` = 1 for a partition whose sides hold as many records but differ (the first
 * difference is named; what follows it is not counted), `matched` = `checked` for an identical partition and
 * the records before the first difference otherwise (0 when not known). `sourceGone` is 0: the range starts at
 * the source's log start.
 */
export function storedRangeReport(
  r: RangeVerificationReport,
  recordsPerPartition: number,
): VerificationReport {
  const partitions: StoredPartition[] = r.partitions.map((p) => {
    const missing = Math.max(0, p.sourceRecords - p.targetRecords);
    const extra = Math.max(0, p.targetRecords - p.sourceRecords);
    const mismatched = !p.ok && missing === 0 && extra === 0 ? 1 : 0;
    const d = p.firstDifference;
    const before =
      d?.sourceOffset != null && p.sourceFrom != null
        ? Number(BigInt(d.sourceOffset) - BigInt(p.sourceFrom))
        : 0;
    const out: StoredPartition = {
      topic: p.topic,
      partition: p.partition,
      remoteTopic: p.remoteTopic,
      sourceFrom: p.sourceFrom,
      sourceTo: p.sourceTo,
      checked: p.sourceRecords,
      matched: p.ok ? p.sourceRecords : Math.max(0, Math.min(before, p.sourceRecords)),
      missing,
      mismatched,
      extra,
      sourceGone: 0,
    };
    if (d)
      out.firstDifference = {
        sourceOffset: d.sourceOffset ?? p.sourceTo ?? '0',
        ...(d.targetOffset != null ? { targetOffset: d.targetOffset } : {}),
        field: d.field,
        detail: d.detail,
      };
    if (p.note) out.note = p.note;
    return out;
  });
  const sum = (f: (p: StoredPartition) => number) => partitions.reduce((s, p) => s + f(p), 0);
  return {
    flow: r.flow,
    source: r.source,
    target: r.target,
    recordsPerPartition,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    partitions,
    totals: {
      partitions: partitions.length,
      compared: partitions.filter((p) => p.checked > 0).length,
      checked: sum((p) => p.checked),
      matched: sum((p) => p.matched),
      missing: sum((p) => p.missing),
      mismatched: sum((p) => p.mismatched),
      extra: sum((p) => p.extra),
      sourceGone: 0,
    },
    ok: r.ok,
    notes: [],
  };
}
