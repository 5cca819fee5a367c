import { acceptInvitation } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { clientIp, withUser } from '@/lib/api/with-team.ts';
import { db } from '@/lib/db.ts';
import { mailerConfigured } from '@/lib/mailer.ts';

/** With a mailer configured, the invited email must also be verified (the link mailed at sign-up). */
export const POST = withUser(route('invitations.accept'), async ({ user, params, req }) =>
  acceptInvitation(db(), user, params.token ?? '', clientIp(req), {
    requireVerifiedEmail: mailerConfigured(),
  }),
);
