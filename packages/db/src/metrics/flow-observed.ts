import { eq } from 'drizzle-orm';
import type { TeamContext } from '../context.ts';
import { getFlowRowOrThrow } from '../flows/get-flow.ts';
import { flowTopology } from '../schema/observed.ts';

/** What topic discovery last found for a flow (partitions per source topic, groups), or null before it ran. */
export async function getFlowTopology(ctx: Pick<TeamContext, 'db' | 'teamId'>, flowId: string) {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const [row] = await ctx.db.select().from(flowTopology).where(eq(flowTopology.flowId, flow.id));
  return row
    ? { partitions: row.partitions, groups: row.groups, discoveredAt: row.discoveredAt.toISOString() }
    : null;
}
