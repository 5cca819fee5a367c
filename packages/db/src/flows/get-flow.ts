import { ApiError } from '@ferry/core';
import { and, asc, eq } from 'drizzle-orm';
import type { TeamContext } from '../context.ts';
import { flowTasks, partitionMetricsLatest } from '../schema/observed.ts';
import { clusters, flows } from '../schema/replication.ts';
import { type FlowRow, flowView } from './flow-view.ts';

export async function clusterNames(ctx: Pick<TeamContext, 'db' | 'teamId'>): Promise<Map<string, string>> {
  const rows = await ctx.db
    .select({ id: clusters.id, name: clusters.name })
    .from(clusters)
    .where(eq(clusters.teamId, ctx.teamId));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function getFlowRowOrThrow(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  id: string,
): Promise<FlowRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError('not_found', 'flow not found');
  const [row] = await ctx.db
    .select()
    .from(flows)
    .where(and(eq(flows.id, id), eq(flows.teamId, ctx.teamId)));
  if (!row) throw new ApiError('not_found', 'flow not found');
  return row;
}

export async function getFlow(ctx: Pick<TeamContext, 'db' | 'teamId'>, id: string) {
  return flowView(await getFlowRowOrThrow(ctx, id), await clusterNames(ctx));
}

export async function listFlows(ctx: Pick<TeamContext, 'db' | 'teamId'>) {
  const [rows, names] = await Promise.all([
    ctx.db.select().from(flows).where(eq(flows.teamId, ctx.teamId)).orderBy(asc(flows.name)),
    clusterNames(ctx),
  ]);
  return rows.map((r) => flowView(r, names));
}

/** Worker-reported tasks of a flow (written by apps/worker), for the detail page. */
export async function listFlowTasks(ctx: Pick<TeamContext, 'db' | 'teamId'>, flowId: string) {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const rows = await ctx.db
    .select()
    .from(flowTasks)
    .where(eq(flowTasks.flowId, flow.id))
    .orderBy(asc(flowTasks.taskIndex));
  return rows.map((t) => ({
    taskIndex: t.taskIndex,
    generation: t.generation,
    workerId: t.workerId,
    state: t.state,
    lastError: t.lastError,
    partitions: t.partitions,
    updatedAt: t.updatedAt.toISOString(),
  }));
}

/** Latest replication metrics per partition of a flow (written by the workers), for the live table. */
export async function listPartitionMetrics(ctx: Pick<TeamContext, 'db' | 'teamId'>, flowId: string) {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const m = partitionMetricsLatest;
  const rows = await ctx.db
    .select()
    .from(m)
    .where(eq(m.flowId, flow.id))
    .orderBy(asc(m.topic), asc(m.partition));
  return rows.map((r) => ({
    topic: r.topic,
    partition: r.partition,
    sourceEndOffset: r.sourceEndOffset,
    replicatedOffset: r.replicatedOffset,
    lagRecords: r.lagRecords,
    lagMs: r.lagMs,
    recordAgeMsAvg: r.recordAgeMsAvg,
    replicationLatencyMsAvg: r.replicationLatencyMsAvg,
    recordsPerSec: r.recordsPerSec,
    bytesPerSec: r.bytesPerSec,
    updatedAt: r.updatedAt.toISOString(),
  }));
}
