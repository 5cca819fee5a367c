import { type Db, schema } from '@ferry/db';
import type { CheckpointTask } from '@ferry/engine';
import { sql } from 'drizzle-orm';

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

export async function writeGroupOffsets(db: Db, rows: ReturnType<typeof groupOffsetRows>): Promise<number> {
  if (rows.length === 0) return 0;
  const t = schema.groupOffsetsLatest;
  for (let i = 0; i < rows.length; i += 2000) {
    await db
      .insert(t)
      .values(rows.slice(i, i + 2000))
      .onConflictDoUpdate({
        target: [t.flowId, t.group, t.topic, t.partition],
        set: {
          remoteTopic: sql`excluded.remote_topic`,
          checkpointedAt: sql`case
            when not excluded.exact then ${t.checkpointedAt}
            when ${t.checkpointedAt} is null or ${t.sourceOffset} <> excluded.source_offset
              or ${t.targetOffset} is distinct from excluded.target_offset then excluded.checkpointed_at
            else ${t.checkpointedAt} end`,
          checkpointLatencyMs: sql`coalesce(excluded.checkpoint_latency_ms, ${t.checkpointLatencyMs})`,
          sourceOffset: sql`excluded.source_offset`,
          targetOffset: sql`excluded.target_offset`,
          exact: sql`excluded.exact`,
          reasonCode: sql`excluded.reason_code`,
          reason: sql`excluded.reason`,
          checkedAt: sql`excluded.checked_at`,
        },
      });
  }
  return rows.length;
}
