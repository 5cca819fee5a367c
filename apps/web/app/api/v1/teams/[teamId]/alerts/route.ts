import { listAlerts } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam<unknown, { flowId?: string }>(route('alerts.list'), async ({ ctx, query }) => ({
  items: await listAlerts(ctx, query.flowId ? { flowId: query.flowId } : {}),
}));
