import type { ClusterCreate } from '@ferry/core';
import { clusterView, createCluster, listClusters } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { assertClusterAllowed } from '@/lib/broker-policy.ts';

export const GET = withTeam(route('clusters.list'), async ({ ctx }) => ({
  items: (await listClusters(ctx)).map(clusterView),
}));
export const POST = withTeam<ClusterCreate>(route('clusters.create'), async ({ ctx, body }) => {
  await assertClusterAllowed(body);
  return createCluster(ctx, body);
});
