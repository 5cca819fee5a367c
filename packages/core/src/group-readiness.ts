/**
 * Failover readiness of a consumer group: what switching its consumers from the source to the target now
 * would cost, from the latest checkpoint state of each of its partitions and the flow's lag there. Pure.
 *
 * - An exact translation: the consumers resume on the target exactly where they stopped (0 re-read, 0 skipped).
 * - Not exact because the group is ahead of what has been replicated (NOT_YET_REPLICATED): they resume at the
 *   target's end and re-read the records between the replicated position and their commit once those arrive.
 * - Not exact otherwise (nothing replicated, committed before replication began, truncated): the cost is
 *   unknown — the reason says why.
 * - Records not yet replicated (the flow's lag on the group's partitions) are not on the target yet: switching
 *   now means waiting for them (or losing them if the source is gone).
 */
export interface GroupPartitionState {
  group: string;
  topic: string;
  partition: number;
  remoteTopic: string;
  sourceOffset: number;
  targetOffset: number | null;
  exact: boolean;
  reasonCode: string | null;
  reason: string | null;
  checkedAt: string;
  checkpointedAt: string | null;
  checkpointLatencyMs: number | null;
  /** The flow's replicated position on this partition (next source offset), if known. */
  replicatedOffset: number | null;
  lagRecords: number | null;
  lagMs: number | null;
}

export interface GroupPartitionView extends GroupPartitionState {
  /** Records the group would read twice after switching (null: unknown). */
  reReadRecords: number | null;
  checkpointAgeSeconds: number | null;
}

export interface GroupReadiness {
  group: string;
  partitions: number;
  exactPartitions: number;
  /** Summed over partitions whose cost is known. */
  reReadRecords: number;
  /** Partitions whose translation is not exact for a reason that leaves the cost unknown. */
  unknownPartitions: number;
  notReplicatedRecords: number;
  notReplicatedSeconds: number;
  /** Age of the oldest partition checkpoint of the group (seconds), null before any. */
  checkpointAgeSeconds: number | null;
  checkpointLatencyMsAvg: number | null;
  ready: boolean;
  summary: string;
}

export function groupPartitionView(p: GroupPartitionState, now: number): GroupPartitionView {
  let reRead: number | null = null;
  if (p.exact) reRead = 0;
  else if (p.reasonCode === 'NOT_YET_REPLICATED' && p.replicatedOffset !== null)
    reRead = Math.max(0, p.sourceOffset - p.replicatedOffset);
  return {
    ...p,
    reReadRecords: reRead,
    checkpointAgeSeconds: p.checkpointedAt ? Math.max(0, (now - Date.parse(p.checkpointedAt)) / 1000) : null,
  };
}

export function groupReadiness(group: string, parts: GroupPartitionView[]): GroupReadiness {
  const exact = parts.filter((p) => p.exact).length;
  const unknown = parts.filter((p) => p.reReadRecords === null).length;
  const reRead = parts.reduce((a, p) => a + (p.reReadRecords ?? 0), 0);
  const behind = parts.reduce((a, p) => a + Math.max(0, p.lagRecords ?? 0), 0);
  const behindS = parts.reduce((a, p) => Math.max(a, (p.lagMs ?? 0) / 1000), 0);
  const ages = parts.flatMap((p) => (p.checkpointAgeSeconds === null ? [] : [p.checkpointAgeSeconds]));
  const lats = parts.flatMap((p) => (p.checkpointLatencyMs === null ? [] : [p.checkpointLatencyMs]));
  const ready = parts.length > 0 && exact === parts.length && behind === 0;
  const words: string[] = [];
  if (parts.length === 0) words.push('no committed offsets on the source yet');
  else if (ready) words.push('ready: switching now re-reads nothing and skips nothing');
  else {
    words.push(
      unknown > 0
        ? `${unknown} of ${parts.length} partitions cannot be translated exactly (cost unknown)`
        : `switching now re-reads ${reRead} record${reRead === 1 ? '' : 's'}`,
    );
    if (behind > 0)
      words.push(`${behind} record${behind === 1 ? '' : 's'} not yet replicated (${behindS.toFixed(1)} s)`);
  }
  return {
    group,
    partitions: parts.length,
    exactPartitions: exact,
    reReadRecords: reRead,
    unknownPartitions: unknown,
    notReplicatedRecords: behind,
    notReplicatedSeconds: behindS,
    checkpointAgeSeconds: ages.length ? Math.max(...ages) : null,
    checkpointLatencyMsAvg: lats.length ? lats.reduce((a, b) => a + b, 0) / lats.length : null,
    ready,
    summary: words.join('; '),
  };
}
