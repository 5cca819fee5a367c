import { listUserTeams } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withUser } from '@/lib/api/with-team.ts';
import { db } from '@/lib/db.ts';

export const GET = withUser(route('me.get'), async ({ user }) => ({
  user,
  teams: await listUserTeams(db(), user.id),
}));
