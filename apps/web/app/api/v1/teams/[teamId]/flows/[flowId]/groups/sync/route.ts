import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { syncGroupOffsetsNow } from '@/lib/sync-group-offsets.ts';

export const POST = withTeam(route('flows.groups.sync'), ({ ctx, params }) =>
  syncGroupOffsetsNow(ctx, params.flowId ?? ''),
);
