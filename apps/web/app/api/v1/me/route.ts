import { isInstanceAdmin, listUserTeams } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withUser } from '@/lib/api/with-team.ts';
import { db } from '@/lib/db.ts';

export const GET = withUser(route('me.get'), async ({ user }) => ({
  user: { ...user, instanceAdmin: await isInstanceAdmin(db(), user.id) },
  teams: await listUserTeams(db(), user.id),
}));
