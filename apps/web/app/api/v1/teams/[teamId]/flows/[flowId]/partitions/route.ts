import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { listFlowPartitions } from '@/lib/flow-partitions.ts';

export const GET = withTeam(route('flows.partitions'), async ({ ctx, params }) => ({
  items: await listFlowPartitions(ctx, params.flowId ?? ''),
}));
