import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { exportFlowMm2 } from '@/lib/mm2.ts';

export const GET = withTeam(route('flows.export'), async ({ ctx, params }) => {
  const { filename, text } = await exportFlowMm2(ctx, params.flowId ?? '');
  return new Response(text, {
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
    },
  });
});
