import type { VerificationRequest } from '@ferry/core';
import { listVerifications } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { requestVerification } from '@/lib/request-verification.ts';

export const GET = withTeam(route('verifications.list'), async ({ ctx, params }) => ({
  items: await listVerifications(ctx, params.flowId ?? ''),
}));

export const POST = withTeam<Required<VerificationRequest>>(
  route('verifications.create'),
  ({ ctx, body, params }) => requestVerification(ctx, params.flowId ?? '', body),
);
