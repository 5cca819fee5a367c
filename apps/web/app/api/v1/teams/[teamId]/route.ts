import { getTeam, renameTeam } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('team.get'), async ({ ctx }) => ({
  ...(await getTeam(ctx)),
  role: ctx.role,
}));
export const PATCH = withTeam<{ name: string }>(route('team.update'), async ({ ctx, body }) => ({
  ...(await renameTeam(ctx, body.name)),
  role: ctx.role,
}));
