import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { importMm2Properties } from '@/lib/mm2.ts';

export const POST = withTeam<{ properties: string }>(route('mm2.import'), ({ ctx, body }) =>
  importMm2Properties(ctx, body.properties),
);
