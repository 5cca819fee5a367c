import { ApiError } from '@ferry/core';
import { and, asc, eq } from 'drizzle-orm';
import type { TeamContext } from '../context.ts';
import { clusters } from '../schema/replication.ts';
import type { ClusterRow } from './cluster-view.ts';

/** The team's cluster, or a 404 (another team's cluster is indistinguishable from a missing one). */
export async function getClusterOrThrow(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  id: string,
): Promise<ClusterRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError('not_found', 'cluster not found');
  const [row] = await ctx.db
    .select()
    .from(clusters)
    .where(and(eq(clusters.id, id), eq(clusters.teamId, ctx.teamId)));
  if (!row) throw new ApiError('not_found', 'cluster not found');
  return row;
}

export async function listClusters(ctx: Pick<TeamContext, 'db' | 'teamId'>): Promise<ClusterRow[]> {
  return ctx.db.select().from(clusters).where(eq(clusters.teamId, ctx.teamId)).orderBy(asc(clusters.name));
}
