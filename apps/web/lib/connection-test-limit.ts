import { ApiError } from '@ferry/core';
import { consumeRateLimit, type TeamContext } from '@ferry/db';

/** Connection tests per team and minute (a test opens sockets from our servers: not a free port scanner). */
export const CONNECTION_TESTS_PER_MINUTE = 20;

export async function limitConnectionTests(ctx: TeamContext): Promise<void> {
  if (!(await consumeRateLimit(ctx.db, `conntest|${ctx.teamId}`, CONNECTION_TESTS_PER_MINUTE, 60_000)))
    throw new ApiError(
      'rate_limited',
      `at most ${CONNECTION_TESTS_PER_MINUTE} connection tests per minute per team; wait a minute`,
    );
}
