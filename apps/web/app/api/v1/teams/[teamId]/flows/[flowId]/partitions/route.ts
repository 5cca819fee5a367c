import { type PartitionPageQuery, pageFlowPartitions } from '@ferry/db';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';

export const GET = withTeam<unknown, PartitionPageQuery>(
  route('flows.partitions'),
  ({ ctx, params, query }) => pageFlowPartitions(ctx, params.flowId ?? '', query),
);
