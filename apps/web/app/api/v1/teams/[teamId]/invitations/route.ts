import type { Role } from '@ferry/core';
import { createInvitation, listInvitations } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('invitations.list'), async ({ ctx }) => ({
  items: await listInvitations(ctx),
}));
export const POST = withTeam<{ email: string; role: Role }>(route('invitations.create'), ({ ctx, body }) =>
  createInvitation(ctx, body),
);
