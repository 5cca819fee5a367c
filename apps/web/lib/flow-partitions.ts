import { getFlow, getFlowTopology, listFlowTasks, listPartitionMetrics, type TeamContext } from '@ferry/db';
import { type PartitionRow, partitionRows } from './partition-rows.ts';

/** The partition grid's rows of a flow (API and page). */
export async function listFlowPartitions(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  flowId: string,
): Promise<PartitionRow[]> {
  const flow = await getFlow(ctx, flowId);
  const [metrics, topology, tasks] = await Promise.all([
    listPartitionMetrics(ctx, flow.id),
    getFlowTopology(ctx, flow.id),
    listFlowTasks(ctx, flow.id),
  ]);
  return partitionRows(metrics, topology?.partitions ?? null, flow.config.tasksMax, tasks);
}
