import { listAudit } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam<
  undefined,
  { action?: string; actor?: string; targetType?: string; before?: string; limit?: number }
>(route('audit.list'), async ({ ctx, query }) => ({
  items: await listAudit(ctx, { ...query, before: query.before ? new Date(query.before) : undefined }),
}));
