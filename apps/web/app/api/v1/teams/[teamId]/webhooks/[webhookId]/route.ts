import { deleteWebhook } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const DELETE = withTeam(route('webhooks.delete'), ({ ctx, params }) =>
  deleteWebhook(ctx, params.webhookId ?? ''),
);
