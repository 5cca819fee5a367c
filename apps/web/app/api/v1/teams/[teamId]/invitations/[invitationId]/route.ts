import { cancelInvitation } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const DELETE = withTeam(route('invitations.delete'), ({ ctx, params }) =>
  cancelInvitation(ctx, params.invitationId ?? ''),
);
