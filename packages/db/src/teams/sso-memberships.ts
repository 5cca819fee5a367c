import type { Role } from '@ferry/core';
import type { SecretKey } from '@ferry/core/secret-box';
import { and, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { Db } from '../client.ts';
import type { TeamContext } from '../context.ts';
import { members, teams, users } from '../schema/teams.ts';
import { removeMember, updateMemberRole } from './teams.ts';

export interface SsoSyncChange {
  team: string;
  change: 'joined' | 'role' | 'removed' | 'kept-last-owner';
  role?: Role;
}

/**
 * Just-in-time membership for an OpenID Connect sign-in: in every team the group map manages (`managed`,
 * by slug), the person is added with, moved to, or removed from the role their groups give (`desired`).
 * Teams the map does not name are not touched. Removal revokes the tokens the person created there
 * (removeMember); the last owner of a team is never demoted or removed (kept, and reported). Every change
 * is audited in its team, with the person as actor and "(SSO)" in the actor's name.
 */
export async function syncSsoMemberships(
  db: Db,
  keyring: readonly SecretKey[],
  userId: string,
  desired: ReadonlyMap<string, Role>,
  managed: readonly string[],
  ip: string | null,
): Promise<SsoSyncChange[]> {
  if (managed.length === 0) return [];
  const [person] = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(eq(users.id, userId));
  if (!person) return [];
  const rows = await db
    .select({ id: teams.id, slug: teams.slug })
    .from(teams)
    .where(inArray(teams.slug, [...managed]));
  const changes: SsoSyncChange[] = [];
  const actor = { type: 'user' as const, id: person.id, name: `${person.email} (SSO)`, ip };
  for (const team of rows) {
    const want = desired.get(team.slug);
    const ctx: TeamContext = { db, teamId: team.id, role: 'owner', actor, keyring };
    const [m] = await db
      .select({ id: members.id, role: members.role })
      .from(members)
      .where(and(eq(members.organizationId, team.id), eq(members.userId, person.id)));
    try {
      if (want && !m) {
        const [added] = await db
          .insert(members)
          .values({ organizationId: team.id, userId: person.id, role: want })
          .onConflictDoNothing()
          .returning({ id: members.id });
        if (added) {
          await recordAudit(ctx, {
            action: 'member.join',
            targetType: 'member',
            targetId: added.id,
            targetName: person.email,
            after: { role: want, via: 'sso' },
          });
          changes.push({ team: team.slug, change: 'joined', role: want });
        }
      } else if (want && m && m.role !== want) {
        await updateMemberRole(ctx, m.id, want);
        changes.push({ team: team.slug, change: 'role', role: want });
      } else if (!want && m) {
        await removeMember(ctx, m.id);
        changes.push({ team: team.slug, change: 'removed' });
      }
    } catch (e) {
      // The last owner stays (updateMemberRole / removeMember refuse with a conflict); the rest goes on.
      if ((e as { code?: string }).code !== 'conflict') throw e;
      changes.push({ team: team.slug, change: 'kept-last-owner', role: m?.role });
    }
  }
  return changes;
}

/** Which of these team slugs exist (the group map is checked against them when it is saved). */
export async function existingTeamSlugs(db: Db, slugs: readonly string[]): Promise<Set<string>> {
  if (slugs.length === 0) return new Set();
  const rows = await db
    .select({ slug: teams.slug })
    .from(teams)
    .where(inArray(teams.slug, [...slugs]));
  return new Set(rows.map((r) => r.slug));
}
