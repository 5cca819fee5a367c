import { revokeApiToken } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const DELETE = withTeam(route('tokens.delete'), ({ ctx, params }) =>
  revokeApiToken(ctx, params.tokenId ?? ''),
);
