import { flowsOverview, listWorkers } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('overview.get'), async ({ ctx }) => {
  const [flows, workers] = await Promise.all([flowsOverview(ctx), listWorkers(ctx)]);
  return { flows, workers };
});
