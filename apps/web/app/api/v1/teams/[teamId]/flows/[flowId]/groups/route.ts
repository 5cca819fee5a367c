import { listFlowGroups } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('flows.groups'), async ({ ctx, params }) => ({
  items: await listFlowGroups(ctx, params.flowId ?? ''),
}));
