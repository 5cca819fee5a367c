import { acceptInvitation } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { clientIp, withUser } from '@/lib/api/with-team.ts';
import { db } from '@/lib/db.ts';

export const POST = withUser(route('invitations.accept'), async ({ user, params, req }) =>
  acceptInvitation(db(), user, params.token ?? '', clientIp(req)),
);
