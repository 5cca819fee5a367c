import { and, count, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { instanceAdmins, instanceSettings } from '../schema/instance.ts';
import { invitations, users } from '../schema/teams.ts';

/**
 * Installation-wide settings and administrators. Sign-up is invite-only after the first account (which
 * becomes instance admin); `allowSignup` opens it, `allowTeamCreation` lets anyone signed in create teams.
 * Environment variables (FERRY_ALLOW_SIGNUP, FERRY_ALLOW_TEAM_CREATION) open them too, for automation.
 */
export interface InstanceSettings {
  allowSignup: boolean;
  allowTeamCreation: boolean;
}
const DEFAULTS: InstanceSettings = { allowSignup: false, allowTeamCreation: false };

const envFlag = (v: string | undefined) => v === '1' || v?.toLowerCase() === 'true';

export async function getInstanceSettings(
  db: Db,
  source: NodeJS.ProcessEnv = process.env,
): Promise<InstanceSettings> {
  const rows = await db.select().from(instanceSettings);
  const stored = Object.fromEntries(rows.map((r) => [r.key, r.value])) as Partial<InstanceSettings>;
  return {
    allowSignup: envFlag(source.FERRY_ALLOW_SIGNUP) || (stored.allowSignup ?? DEFAULTS.allowSignup) === true,
    allowTeamCreation:
      envFlag(source.FERRY_ALLOW_TEAM_CREATION) ||
      (stored.allowTeamCreation ?? DEFAULTS.allowTeamCreation) === true,
  };
}

export async function setInstanceSetting<K extends keyof InstanceSettings>(
  db: Db,
  key: K,
  value: InstanceSettings[K],
): Promise<void> {
  await db
    .insert(instanceSettings)
    .values({ key, value })
    .onConflictDoUpdate({ target: instanceSettings.key, set: { value, updatedAt: new Date() } });
}

export async function isInstanceAdmin(db: Db, userId: string): Promise<boolean> {
  const [r] = await db
    .select({ userId: instanceAdmins.userId })
    .from(instanceAdmins)
    .where(eq(instanceAdmins.userId, userId));
  return Boolean(r);
}

export async function hasAnyUser(db: Db): Promise<boolean> {
  const [r] = await db.select({ n: count() }).from(users);
  return (r?.n ?? 0) > 0;
}

/**
 * Makes `userId` the instance admin if the instance has none yet; true when it did. Serialised by an
 * advisory lock, so of two simultaneous first sign-ups exactly one becomes admin.
 */
export async function claimFirstAdmin(db: Db, userId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(7001001)`);
    const [r] = await tx.select({ n: count() }).from(instanceAdmins);
    if ((r?.n ?? 0) > 0) return false;
    await tx.insert(instanceAdmins).values({ userId });
    return true;
  });
}

/** Whether an unexpired, pending invitation exists for this email (invite-only sign-up lets that address in). */
export async function hasPendingInvitation(db: Db, email: string): Promise<boolean> {
  const [r] = await db
    .select({ n: count() })
    .from(invitations)
    .where(
      and(
        eq(invitations.email, email.toLowerCase()),
        eq(invitations.status, 'pending'),
        gt(invitations.expiresAt, new Date()),
      ),
    );
  return (r?.n ?? 0) > 0;
}

export type SignupDecision = { ok: true; reason: 'first' | 'open' | 'invited' } | { ok: false };

/** The sign-up rule as a pure function (table-tested): first account, open sign-up, or an invited address. */
export function decideSignup(s: {
  anyUser: boolean;
  allowSignup: boolean;
  invited: boolean;
}): SignupDecision {
  if (!s.anyUser) return { ok: true, reason: 'first' };
  if (s.allowSignup) return { ok: true, reason: 'open' };
  if (s.invited) return { ok: true, reason: 'invited' };
  return { ok: false };
}

export async function signupDecision(db: Db, email: string): Promise<SignupDecision> {
  const [anyUser, settings, invited] = await Promise.all([
    hasAnyUser(db),
    getInstanceSettings(db),
    hasPendingInvitation(db, email),
  ]);
  return decideSignup({ anyUser, allowSignup: settings.allowSignup, invited });
}
