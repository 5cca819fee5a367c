import type { FlowCreate } from '@ferry/core';
import { createFlow, listFlows } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('flows.list'), async ({ ctx }) => ({ items: await listFlows(ctx) }));
export const POST = withTeam<FlowCreate>(route('flows.create'), ({ ctx, body }) => createFlow(ctx, body));
