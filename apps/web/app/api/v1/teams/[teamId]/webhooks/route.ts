import { createWebhook, listWebhooks } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('webhooks.list'), async ({ ctx }) => ({ items: await listWebhooks(ctx) }));

export const POST = withTeam<{ url: string }>(route('webhooks.create'), ({ ctx, body }) =>
  createWebhook(ctx, body.url),
);
