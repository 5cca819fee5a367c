import { getVerificationOrThrow } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('verifications.get'), ({ ctx, params }) =>
  getVerificationOrThrow(ctx, params.flowId ?? '', params.verificationId ?? ''),
);
