import type { FlowUpdate } from '@ferry/core';
import { deleteFlow, getFlow, updateFlow } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('flows.get'), ({ ctx, params }) => getFlow(ctx, params.flowId ?? ''));
export const PATCH = withTeam<FlowUpdate>(route('flows.update'), ({ ctx, body, params }) =>
  updateFlow(ctx, params.flowId ?? '', body),
);
export const DELETE = withTeam(route('flows.delete'), ({ ctx, params }) =>
  deleteFlow(ctx, params.flowId ?? ''),
);
