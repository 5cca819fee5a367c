import { listFlowTasks } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('flows.tasks'), async ({ ctx, params }) => ({
  items: await listFlowTasks(ctx, params.flowId ?? ''),
}));
