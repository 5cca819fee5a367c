import type { CheckpointTask } from '@ferry/engine';

/** What one checkpoint round returns: per group, its partitions translated. */
export type RoundTranslations = Awaited<ReturnType<CheckpointTask['emitCheckpoints']>>;

/**
 * The latest checkpoint state per consumer group and partition, after a checkpoint round: the committed
 * source offset, the exact target offset (or why there is none). `checkpointed_at` moves only when the
 * translation changed (the engine wrote a new checkpoint then) or was never written; unchanged offsets keep
 * their checkpoint time. `latencyOf` gives the latency the engine reported for a partition in this round.
 */
export function groupOffsetRows(
  flowId: string,
  translations: RoundTranslations,
  now: Date,
  latencyOf: (group: string, topic: string, partition: number) => number | undefined,
) {
  return [...translations].flatMap(([group, ts]) =>
    ts.map((t) => ({
      flowId,
      group,
      topic: t.topic,
      partition: t.partition,
      remoteTopic: t.remoteTopic,
      sourceOffset: Number(t.upstreamOffset),
      targetOffset: t.translation.exact ? Number(t.translation.downstreamOffset) : null,
      exact: t.translation.exact,
      reasonCode: t.translation.exact ? null : t.translation.code,
      reason: t.translation.exact ? null : t.translation.reason,
      checkedAt: now,
      checkpointedAt: t.translation.exact ? now : null,
      checkpointLatencyMs: latencyOf(group, t.topic, t.partition) ?? null,
    })),
  );
}
