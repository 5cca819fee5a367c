import { getFlow, listGaps } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('flows.gaps'), async ({ ctx, params }) => {
  const flow = await getFlow(ctx, params.flowId ?? '');
  return { items: await listGaps(ctx, flow.id, flow.sourceClusterName, 100) };
});
