import type { ClusterUpdate } from '@ferry/core';
import { clusterView, deleteCluster, getClusterOrThrow, updateCluster } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { assertClusterAllowed } from '@/lib/broker-policy.ts';

export const GET = withTeam(route('clusters.get'), async ({ ctx, params }) =>
  clusterView(await getClusterOrThrow(ctx, params.clusterId ?? '')),
);
export const PATCH = withTeam<ClusterUpdate>(route('clusters.update'), async ({ ctx, body, params }) => {
  await assertClusterAllowed(body);
  return updateCluster(ctx, params.clusterId ?? '', body);
});
export const DELETE = withTeam(route('clusters.delete'), ({ ctx, params }) =>
  deleteCluster(ctx, params.clusterId ?? ''),
);
