import type { AlertRules } from '@ferry/core';
import { getAlertRulesOf, saveAlertRules } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('alerts.rules.get'), ({ ctx, params }) =>
  getAlertRulesOf(ctx, params.flowId ?? ''),
);

export const PUT = withTeam<AlertRules>(route('alerts.rules.put'), ({ ctx, params, body }) =>
  saveAlertRules(ctx, params.flowId ?? '', body),
);
