import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { previewMm2 } from '@/lib/mm2.ts';

export const POST = withTeam<{ properties: string }>(route('mm2.preview'), ({ ctx, body }) =>
  previewMm2(ctx, body.properties),
);
