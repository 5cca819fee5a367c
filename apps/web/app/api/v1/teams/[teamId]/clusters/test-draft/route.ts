import type { ClusterCreate } from '@ferry/core';
import { route } from '@/lib/api/routes.ts';
import { withTeam } from '@/lib/api/with-team.ts';
import { testDraftConnection } from '@/lib/kafka/test-connection.ts';

export const POST = withTeam<ClusterCreate>(route('clusters.testDraft'), ({ body }) =>
  testDraftConnection(body),
);
