import type { Role } from '@ferry/core';
import { createApiToken, listApiTokens } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('tokens.list'), async ({ ctx }) => ({ items: await listApiTokens(ctx) }));
export const POST = withTeam<{ name: string; role: Role; expiresInDays?: number }>(
  route('tokens.create'),
  ({ ctx, body }) => createApiToken(ctx, body),
);
