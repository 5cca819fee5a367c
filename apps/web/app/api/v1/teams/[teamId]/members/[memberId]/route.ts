import type { Role } from '@ferry/core';
import { removeMember, updateMemberRole } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const PATCH = withTeam<{ role: Role }>(route('members.update'), async ({ ctx, body, params }) => {
  await updateMemberRole(ctx, params.memberId ?? '', body.role);
  return { ok: true };
});
export const DELETE = withTeam(route('members.delete'), ({ ctx, params }) =>
  removeMember(ctx, params.memberId ?? ''),
);
