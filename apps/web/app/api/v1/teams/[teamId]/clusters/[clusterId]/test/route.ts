import type { ClusterSettings } from '@ferry/core';
import { getClusterOrThrow, recordAudit } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { assertBrokersAllowed, assertTokenEndpointAllowed } from '@/lib/broker-policy.ts';
import { limitConnectionTests } from '@/lib/connection-test-limit.ts';
import { testClusterConnection } from '@/lib/test-cluster-connection.ts';

export const POST = withTeam(route('clusters.test'), async ({ ctx, params }) => {
  const row = await getClusterOrThrow(ctx, params.clusterId ?? '');
  await limitConnectionTests(ctx);
  await assertBrokersAllowed(row.bootstrapServers);
  const sasl = (row.settings as ClusterSettings).sasl;
  if (sasl?.mechanism === 'OAUTHBEARER') await assertTokenEndpointAllowed(sasl.tokenEndpointUrl);
  const report = await testClusterConnection(ctx, row);
  await recordAudit(ctx, {
    action: 'cluster.test',
    targetType: 'cluster',
    targetId: row.id,
    targetName: row.name,
    after: { ok: report.ok, problems: report.problems },
  });
  return report;
});
