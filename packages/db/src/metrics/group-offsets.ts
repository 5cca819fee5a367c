import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import * as schema from '../schema/index.ts';

export type GroupOffsetRow = typeof schema.groupOffsetsLatest.$inferInsert;

/**
 * Upserts the latest checkpoint state per group and partition (rows from the worker's groupOffsetRows):
 * `checkpointed_at` moves only when the translation changed or was never written.
 */
export async function writeGroupOffsets(db: Db, rows: GroupOffsetRow[]): Promise<number> {
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
