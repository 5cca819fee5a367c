import { setFlowEnabled } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const PUT = withTeam<{ enabled: boolean }>(route('flows.toggle'), ({ ctx, body, params }) =>
  setFlowEnabled(ctx, params.flowId ?? '', body.enabled),
);
