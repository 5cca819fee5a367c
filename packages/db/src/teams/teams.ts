import { createHash, randomBytes } from 'node:crypto';
import { ApiError, canGrant, type Role } from '@ferry/core';
import { and, asc, count, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { Db } from '../client.ts';
import type { TeamContext } from '../context.ts';
import { apiTokens } from '../schema/access.ts';
import { invitations, members, teams, users } from '../schema/teams.ts';

const slugify = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'team';

/** Creates a team with `userId` as its owner. */
export async function createTeam(db: Db, userId: string, name: string) {
  const base = slugify(name);
  for (let i = 0; ; i++) {
    const slug = i === 0 ? base : `${base}-${i + 1}`;
    const [taken] = await db.select({ id: teams.id }).from(teams).where(eq(teams.slug, slug));
    if (taken) continue;
    const team = await db.transaction(async (tx) => {
      const [t] = await tx.insert(teams).values({ name, slug }).returning();
      await tx.insert(members).values({ organizationId: t!.id, userId, role: 'owner' });
      return t!;
    });
    const [u] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
    await recordAudit(
      { db, teamId: team.id, actor: { type: 'user', id: userId, name: u?.email ?? 'unknown', ip: null } },
      {
        action: 'team.create',
        targetType: 'team',
        targetId: team.id,
        targetName: name,
        after: { name, slug },
      },
    );
    return team;
  }
}

/** Whether the install has no team yet (the first user becomes owner of the first team). */
export async function isFreshInstall(db: Db): Promise<boolean> {
  const [r] = await db.select({ n: count() }).from(teams);
  return (r?.n ?? 0) === 0;
}

export async function listUserTeams(db: Db, userId: string) {
  return db
    .select({ id: teams.id, name: teams.name, slug: teams.slug, role: members.role })
    .from(members)
    .innerJoin(teams, eq(teams.id, members.organizationId))
    .where(eq(members.userId, userId))
    .orderBy(asc(teams.name));
}

export async function getMemberRole(db: Db, teamId: string, userId: string): Promise<Role | null> {
  if (!/^[0-9a-f-]{36}$/i.test(teamId)) return null;
  const [m] = await db
    .select({ role: members.role })
    .from(members)
    .where(and(eq(members.organizationId, teamId), eq(members.userId, userId)));
  return m?.role ?? null;
}

export async function getTeam(ctx: Pick<TeamContext, 'db' | 'teamId'>) {
  const [t] = await ctx.db.select().from(teams).where(eq(teams.id, ctx.teamId));
  if (!t) throw new ApiError('not_found', 'team not found');
  return { id: t.id, name: t.name, slug: t.slug, createdAt: t.createdAt.toISOString() };
}

export async function renameTeam(ctx: TeamContext, name: string) {
  const before = await getTeam(ctx);
  await ctx.db.update(teams).set({ name }).where(eq(teams.id, ctx.teamId));
  await recordAudit(ctx, {
    action: 'team.update',
    targetType: 'team',
    targetId: ctx.teamId,
    targetName: name,
    before: { name: before.name },
    after: { name },
  });
  return { ...before, name };
}

export async function listMembers(ctx: Pick<TeamContext, 'db' | 'teamId'>) {
  const rows = await ctx.db
    .select({
      id: members.id,
      userId: users.id,
      name: users.name,
      email: users.email,
      role: members.role,
      createdAt: members.createdAt,
    })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(eq(members.organizationId, ctx.teamId))
    .orderBy(asc(users.name));
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}

async function getMemberOrThrow(ctx: Pick<TeamContext, 'db' | 'teamId'>, memberId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(memberId)) throw new ApiError('not_found', 'member not found');
  const [m] = await ctx.db
    .select({ id: members.id, role: members.role, userId: members.userId, email: users.email })
    .from(members)
    .innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.id, memberId), eq(members.organizationId, ctx.teamId)));
  if (!m) throw new ApiError('not_found', 'member not found');
  return m;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Locks the team's owner rows and the member's row (SELECT … FOR UPDATE), so two owners demoting or removing
 * each other at the same moment cannot both succeed and leave the team without an owner.
 */
async function lockForOwnerChange(tx: Tx, teamId: string, memberId: string) {
  const owners = await tx
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.organizationId, teamId), eq(members.role, 'owner')))
    .for('update');
  const [m] = await tx
    .select({ id: members.id, role: members.role, userId: members.userId })
    .from(members)
    .where(and(eq(members.id, memberId), eq(members.organizationId, teamId)))
    .for('update');
  if (!m) throw new ApiError('not_found', 'member not found');
  return { member: m, owners: owners.length };
}

/** The last owner cannot be demoted. A demoted member's tokens fall to the new role (resolveApiToken). */
export async function updateMemberRole(ctx: TeamContext, memberId: string, role: Role) {
  const m = await getMemberOrThrow(ctx, memberId);
  await ctx.db.transaction(async (tx) => {
    const { member, owners } = await lockForOwnerChange(tx, ctx.teamId, memberId);
    if (member.role === 'owner' && role !== 'owner' && owners <= 1)
      throw new ApiError('conflict', 'the last owner cannot be demoted; make someone else owner first');
    await tx.update(members).set({ role }).where(eq(members.id, memberId));
  });
  await recordAudit(ctx, {
    action: 'member.update_role',
    targetType: 'member',
    targetId: memberId,
    targetName: m.email,
    before: { role: m.role },
    after: { role },
  });
}

/** The last owner cannot leave or be removed. The API tokens the member created in the team are revoked. */
export async function removeMember(ctx: TeamContext, memberId: string) {
  const m = await getMemberOrThrow(ctx, memberId);
  const revoked = await ctx.db.transaction(async (tx) => {
    const { member, owners } = await lockForOwnerChange(tx, ctx.teamId, memberId);
    if (member.role === 'owner' && owners <= 1)
      throw new ApiError('conflict', 'the last owner cannot leave the team');
    await tx.delete(members).where(eq(members.id, memberId));
    const rows = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(apiTokens.teamId, ctx.teamId),
          eq(apiTokens.createdById, member.userId),
          isNull(apiTokens.revokedAt),
        ),
      )
      .returning({ id: apiTokens.id });
    return rows.length;
  });
  await recordAudit(ctx, {
    action: 'member.remove',
    targetType: 'member',
    targetId: memberId,
    targetName: m.email,
    before: { role: m.role },
    after: { tokensRevoked: revoked },
  });
}

export const INVITE_PREFIX = 'fin_';
const hashInvite = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * An invitation for an email with a role, valid 7 days. Its link carries a random token, returned this once
 * and stored only as a SHA-256 hash: the invitation id (which the audit log shows) opens nothing.
 */
export async function createInvitation(ctx: TeamContext, input: { email: string; role: Role }) {
  if (!canGrant(ctx.role, input.role))
    throw new ApiError('forbidden', `a ${ctx.role} cannot invite an ${input.role}`);
  if (ctx.actor.type !== 'user' || !ctx.actor.id)
    throw new ApiError('forbidden', 'invitations are created by people, not API tokens');
  const token = `${INVITE_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [inv] = await ctx.db
    .insert(invitations)
    .values({
      organizationId: ctx.teamId,
      email: input.email.toLowerCase(),
      role: input.role,
      tokenHash: hashInvite(token),
      inviterId: ctx.actor.id,
      expiresAt: new Date(Date.now() + 7 * 86_400_000),
    })
    .returning();
  await recordAudit(ctx, {
    action: 'member.invite',
    targetType: 'invitation',
    targetId: inv!.id,
    targetName: inv!.email,
    after: { email: inv!.email, role: inv!.role },
  });
  return {
    id: inv!.id,
    email: inv!.email,
    role: inv!.role,
    status: inv!.status,
    expiresAt: inv!.expiresAt.toISOString(),
    token,
  };
}

export async function listInvitations(ctx: Pick<TeamContext, 'db' | 'teamId'>) {
  const rows = await ctx.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.organizationId, ctx.teamId), eq(invitations.status, 'pending')));
  return rows.map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    status: i.status,
    expiresAt: i.expiresAt.toISOString(),
  }));
}

/** The invitation behind an invite token (from the link), or null. */
export async function getInvitation(db: Db, token: string) {
  if (!token.startsWith(INVITE_PREFIX) || token.length > 100) return null;
  const [row] = await db
    .select({
      id: invitations.id,
      email: invitations.email,
      role: invitations.role,
      status: invitations.status,
      expiresAt: invitations.expiresAt,
      teamId: teams.id,
      teamName: teams.name,
    })
    .from(invitations)
    .innerJoin(teams, eq(teams.id, invitations.organizationId))
    .where(eq(invitations.tokenHash, hashInvite(token)));
  return row ?? null;
}

/** Joins the signed-in user to the invitation's team with its role; the token works once. */
export async function acceptInvitation(
  db: Db,
  user: { id: string; email: string; name: string; emailVerified?: boolean },
  token: string,
  ip: string | null,
  opts: { requireVerifiedEmail?: boolean } = {},
) {
  const inv = await getInvitation(db, token);
  if (inv?.status !== 'pending' || inv.expiresAt < new Date())
    throw new ApiError('not_found', 'invitation not found or expired');
  if (inv.email !== user.email.toLowerCase())
    throw new ApiError('forbidden', `this invitation is for ${inv.email}`);
  // With a mailer, owning the address is proven by the link mailed at sign-up, not by holding the invite.
  if (opts.requireVerifiedEmail && user.emailVerified !== true)
    throw new ApiError(
      'forbidden',
      `verify ${inv.email} first: open the link in the mail Ferry sent at sign-up (or ask for a new one)`,
    );
  await db.transaction(async (tx) => {
    // Claim it first: of two concurrent accepts only one finds it pending.
    const claimed = await tx
      .update(invitations)
      .set({ status: 'accepted' })
      .where(and(eq(invitations.id, inv.id), eq(invitations.status, 'pending')))
      .returning({ id: invitations.id });
    if (claimed.length === 0) throw new ApiError('not_found', 'invitation not found or expired');
    await tx
      .insert(members)
      .values({ organizationId: inv.teamId, userId: user.id, role: inv.role })
      .onConflictDoNothing();
  });
  await recordAudit(
    { db, teamId: inv.teamId, actor: { type: 'user', id: user.id, name: user.email, ip } },
    {
      action: 'member.join',
      targetType: 'member',
      targetId: user.id,
      targetName: user.email,
      after: { role: inv.role },
    },
  );
  return { teamId: inv.teamId };
}

/** Cancels a pending invitation of the team (its link stops working). */
export async function cancelInvitation(ctx: TeamContext, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError('not_found', 'invitation not found');
  const [inv] = await ctx.db
    .update(invitations)
    .set({ status: 'canceled' })
    .where(
      and(
        eq(invitations.id, id),
        eq(invitations.organizationId, ctx.teamId),
        eq(invitations.status, 'pending'),
      ),
    )
    .returning();
  if (!inv) throw new ApiError('not_found', 'invitation not found');
  await recordAudit(ctx, {
    action: 'member.invite_cancel',
    targetType: 'invitation',
    targetId: id,
    targetName: inv.email,
  });
}
