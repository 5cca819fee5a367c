import { listDeliveries } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('webhooks.deliveries'), async ({ ctx }) => ({
  items: await listDeliveries(ctx),
}));
