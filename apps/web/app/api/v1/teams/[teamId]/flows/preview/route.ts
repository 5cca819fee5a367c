import type { FlowConfig } from '@ferry/core';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { previewFlow } from '@/lib/preview-flow.ts';

export const POST = withTeam<{ sourceClusterId: string; targetClusterId: string; config: FlowConfig }>(
  route('flows.preview'),
  ({ ctx, body }) => previewFlow(ctx, body),
);
