import { sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { rateLimits } from '../schema/teams.ts';

/**
 * A fixed-window counter shared by every web process (Postgres): true while `key` has been hit at most `max`
 * times in the current window of `windowMs`.
 */
export async function consumeRateLimit(db: Db, key: string, max: number, windowMs: number, now = Date.now()) {
  const stale = now - windowMs;
  const [r] = await db
    .insert(rateLimits)
    .values({ key, count: 1, lastRequest: now })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.lastRequest} < ${stale} then 1 else ${rateLimits.count} + 1 end`,
        lastRequest: sql`case when ${rateLimits.lastRequest} < ${stale} then ${now} else ${rateLimits.lastRequest} end`,
      },
    })
    .returning({ count: rateLimits.count });
  return (r?.count ?? 0) <= max;
}
