import { listMembers } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam(route('members.list'), async ({ ctx }) => ({ items: await listMembers(ctx) }));
