import {
  type GroupPartitionView,
  type GroupReadiness,
  groupPartitionView,
  groupReadiness,
} from '@ferry/core';
import { and, asc, eq, sql } from 'drizzle-orm';
import type { TeamContext } from '../context.ts';
import { getFlowRowOrThrow } from '../flows/get-flow.ts';
import { groupOffsetsLatest } from '../schema/observability.ts';
import { partitionMetricsLatest } from '../schema/observed.ts';

export interface FlowGroup {
  readiness: GroupReadiness;
  partitions: GroupPartitionView[];
}

/**
 * The consumer groups a flow checkpoints: per group and partition the committed source offset, the exact
 * target offset, the checkpoint's age and latency, joined with the flow's lag on that partition; and the
 * group's failover readiness.
 */
export async function listFlowGroups(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  flowId: string,
  now = Date.now(),
): Promise<FlowGroup[]> {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const g = groupOffsetsLatest;
  const m = partitionMetricsLatest;
  const rows = await ctx.db
    .select({
      group: g.group,
      topic: g.topic,
      partition: g.partition,
      remoteTopic: g.remoteTopic,
      sourceOffset: g.sourceOffset,
      targetOffset: g.targetOffset,
      exact: g.exact,
      reasonCode: g.reasonCode,
      reason: g.reason,
      checkedAt: g.checkedAt,
      checkpointedAt: g.checkpointedAt,
      checkpointLatencyMs: g.checkpointLatencyMs,
      replicatedOffset: m.replicatedOffset,
      lagRecords: m.lagRecords,
      lagMs: m.lagMs,
    })
    .from(g)
    .leftJoin(m, and(eq(m.flowId, g.flowId), eq(m.topic, g.topic), eq(m.partition, g.partition)))
    .where(eq(g.flowId, flow.id))
    .orderBy(asc(g.group), asc(g.topic), asc(g.partition));
  const byGroup = new Map<string, GroupPartitionView[]>();
  for (const r of rows) {
    const v = groupPartitionView(
      {
        ...r,
        checkedAt: r.checkedAt.toISOString(),
        checkpointedAt: r.checkpointedAt?.toISOString() ?? null,
        replicatedOffset: r.replicatedOffset ?? null,
        lagRecords: r.lagRecords ?? null,
        lagMs: r.lagMs ?? null,
      },
      now,
    );
    byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), v]);
  }
  return [...byGroup].map(([group, partitions]) => ({
    readiness: groupReadiness(group, partitions),
    partitions,
  }));
}

/** Age of the newest checkpoint round per flow (seconds), for the alert on checkpoint age. */
export async function checkpointRoundAge(
  ctx: Pick<TeamContext, 'db'>,
  flowId: string,
  now = Date.now(),
): Promise<number | null> {
  const [r] = await ctx.db
    .select({ at: sql<Date | null>`max(${groupOffsetsLatest.checkedAt})` })
    .from(groupOffsetsLatest)
    .where(eq(groupOffsetsLatest.flowId, flowId));
  return r?.at ? (now - new Date(r.at).getTime()) / 1000 : null;
}
