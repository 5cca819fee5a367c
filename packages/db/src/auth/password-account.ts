import { and, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { accounts, users } from '../schema/teams.ts';

/**
 * Whether the person has a password (better-auth's `credential` account). An SSO-only person gets no
 * password-reset mail: a password would let them sign in without the provider, and so escape the group
 * map's membership sync.
 */
export async function hasPasswordAccount(db: Db, userId: string): Promise<boolean> {
  const [r] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.userId, userId), eq(accounts.providerId, 'credential')));
  return Boolean(r);
}

/** A password reset through the mailed link proves the mailbox: the email counts as verified from then on. */
export async function markEmailVerified(db: Db, userId: string): Promise<void> {
  await db.update(users).set({ emailVerified: true, updatedAt: new Date() }).where(eq(users.id, userId));
}
