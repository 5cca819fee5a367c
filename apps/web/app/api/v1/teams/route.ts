import { ApiError } from '@ferry/core';
import { createTeam, getInstanceSettings, isInstanceAdmin, listUserTeams } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withUser } from '@/lib/api/with-team.ts';
import { db } from '@/lib/db.ts';

export const GET = withUser(route('teams.list'), async ({ user }) => ({
  items: await listUserTeams(db(), user.id),
}));

export const POST = withUser<{ name: string }>(route('teams.create'), async ({ user, body }) => {
  const open = (await getInstanceSettings(db())).allowTeamCreation;
  if (!open && !(await isInstanceAdmin(db(), user.id)))
    throw new ApiError('forbidden', 'only instance administrators may create teams on this installation');
  const t = await createTeam(db(), user.id, body.name);
  return { id: t.id, name: t.name, slug: t.slug, role: 'owner' };
});
