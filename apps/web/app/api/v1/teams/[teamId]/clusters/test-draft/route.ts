import type { ClusterCreate } from '@ferry/core';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { assertClusterAllowed } from '@/lib/broker-policy.ts';
import { limitConnectionTests } from '@/lib/connection-test-limit.ts';
import { testDraftConnection } from '@/lib/test-cluster-connection.ts';

// Runs in the web process, not on a worker: the body holds the secrets in the clear and they must never be
// put into Redis (see testDraftConnection).
export const POST = withTeam<ClusterCreate>(route('clusters.testDraft'), async ({ ctx, body }) => {
  await limitConnectionTests(ctx);
  await assertClusterAllowed(body);
  return testDraftConnection(body);
});
