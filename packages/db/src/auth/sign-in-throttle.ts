import { eq, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { rateLimits } from '../schema/teams.ts';

/**
 * Failed sign-ins per account, whatever address they come from (an attacker rotating IPs or spoofing
 * X-Forwarded-For still gets `max` guesses per window). Stored beside better-auth's per-IP counters, under
 * keys `account|<email>`; each failure restarts the window, a success clears it.
 */
export const SIGN_IN_THROTTLE = { max: 10, windowMs: 15 * 60_000 } as const;

const keyOf = (email: string) => `account|${email.trim().toLowerCase()}`;

/** Seconds until this account may try again, or 0. */
export async function signInLockedFor(db: Db, email: string, now = Date.now()): Promise<number> {
  const [r] = await db
    .select()
    .from(rateLimits)
    .where(eq(rateLimits.key, keyOf(email)));
  if (!r || r.count < SIGN_IN_THROTTLE.max) return 0;
  const left = r.lastRequest + SIGN_IN_THROTTLE.windowMs - now;
  return left > 0 ? Math.ceil(left / 1000) : 0;
}

export async function recordSignInFailure(db: Db, email: string, now = Date.now()): Promise<void> {
  const stale = now - SIGN_IN_THROTTLE.windowMs;
  await db
    .insert(rateLimits)
    .values({ key: keyOf(email), count: 1, lastRequest: now })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${rateLimits.lastRequest} < ${stale} then 1 else ${rateLimits.count} + 1 end`,
        lastRequest: now,
      },
    });
}

export async function clearSignInFailures(db: Db, email: string): Promise<void> {
  await db.delete(rateLimits).where(eq(rateLimits.key, keyOf(email)));
}
