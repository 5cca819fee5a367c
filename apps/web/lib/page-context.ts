import { can, type Permission, type Role } from '@ferry/core';
import { listUserTeams, type TeamContext } from '@ferry/db';
import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { auth } from './auth.ts';
import { db } from './db.ts';
import { env } from './env.ts';

export const TEAM_COOKIE = 'ferry-team';

export interface PageContext {
  user: { id: string; name: string; email: string; emailVerified: boolean };
  teams: { id: string; name: string; slug: string; role: Role }[];
  team: { id: string; name: string; slug: string; role: Role } | null;
  ctx: TeamContext | null;
}

/**
 * For dashboard pages: the signed-in person, their teams and the current one (cookie, else first). Once per
 * request (React's cache): the dashboard layout and the page both ask, and each asking costs the session's
 * and the teams' queries.
 */
export const pageContext = cache(async (): Promise<PageContext> => {
  const h = await headers();
  const session = await auth().api.getSession({ headers: h });
  if (!session) redirect('/sign-in');
  const user = {
    id: session.user.id,
    name: session.user.name,
    email: session.user.email,
    emailVerified: session.user.emailVerified,
  };
  const teams = await listUserTeams(db(), user.id);
  const wanted = (await cookies()).get(TEAM_COOKIE)?.value;
  const team = teams.find((t) => t.id === wanted) ?? teams[0] ?? null;
  const ctx: TeamContext | null = team
    ? {
        db: db(),
        teamId: team.id,
        role: team.role,
        actor: { type: 'user', id: user.id, name: user.email, ip: h.get('x-forwarded-for') },
        keyring: env().keyring,
      }
    : null;
  return { user, teams, team, ctx };
});

/** Same, but requires a team and a permission (pages enforce it like routes: 403 becomes not-found). */
export async function teamPage(permission: Permission) {
  const p = await pageContext();
  if (!p.team || !p.ctx) redirect('/team');
  if (!can(p.team.role, permission)) notFound();
  return { ...p, team: p.team, ctx: p.ctx, can: (perm: Permission) => can(p.team!.role, perm) };
}
