import type { MetricsQuery } from '@ferry/core';
import { getFlowMetrics } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam<unknown, MetricsQuery>(route('flows.metrics'), ({ ctx, params, query }) =>
  getFlowMetrics(ctx, params.flowId ?? '', query),
);
