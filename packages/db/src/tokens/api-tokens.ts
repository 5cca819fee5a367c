import { createHash, randomBytes } from 'node:crypto';
import { ApiError, canGrant, lowerRole, type Role } from '@ferry/core';
import { and, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { Db } from '../client.ts';
import type { TeamContext } from '../context.ts';
import { apiTokens } from '../schema/access.ts';
import { members } from '../schema/teams.ts';

export const TOKEN_PREFIX = 'fry_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function tokenView(r: typeof apiTokens.$inferSelect) {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
  };
}

/**
 * Creates a token; the plaintext is returned this once and never stored. A token belongs to the person who
 * made it: it acts with at most that person's current role in the team and dies when they leave it.
 */
export async function createApiToken(
  ctx: TeamContext,
  input: { name: string; role: Role; expiresInDays?: number },
) {
  if (!canGrant(ctx.role, input.role))
    throw new ApiError('forbidden', `a ${ctx.role} cannot create a token with role ${input.role}`);
  if (ctx.actor.type !== 'user' || !ctx.actor.id)
    throw new ApiError('forbidden', 'API tokens are created by people, not by other tokens');
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({
      teamId: ctx.teamId,
      name: input.name,
      role: input.role,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
      createdById: ctx.actor.id,
      expiresAt: input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null,
    })
    .returning();
  const view = tokenView(row!);
  await recordAudit(ctx, {
    action: 'token.create',
    targetType: 'api_token',
    targetId: view.id,
    targetName: view.name,
    after: { name: view.name, role: view.role, prefix: view.prefix, expiresAt: view.expiresAt },
  });
  return { ...view, token };
}

export async function listApiTokens(ctx: Pick<TeamContext, 'db' | 'teamId'>) {
  const rows = await ctx.db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.teamId, ctx.teamId))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map(tokenView);
}

export async function revokeApiToken(ctx: TeamContext, id: string): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError('not_found', 'token not found');
  const [row] = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.teamId, ctx.teamId), isNull(apiTokens.revokedAt)))
    .returning();
  if (!row) throw new ApiError('not_found', 'token not found');
  await recordAudit(ctx, {
    action: 'token.revoke',
    targetType: 'api_token',
    targetId: id,
    targetName: row.name,
  });
}

/**
 * The live token behind a bearer value, or null: not revoked, not expired, its creator still a member of
 * the team — and acting with the lesser of its role and the creator's current role.
 */
export async function resolveApiToken(db: Db, token: string) {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const now = new Date();
  const [row] = await db
    .select({ token: apiTokens, creatorRole: members.role })
    .from(apiTokens)
    .innerJoin(
      members,
      and(eq(members.organizationId, apiTokens.teamId), eq(members.userId, apiTokens.createdById)),
    )
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ),
    );
  if (!row) return null;
  await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id));
  const t = row.token;
  return { id: t.id, name: t.name, teamId: t.teamId, role: lowerRole(t.role, row.creatorRole) };
}

/** Revokes every live token a person created in a team (they left it or were removed). */
export async function revokeTokensOf(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  userId: string,
): Promise<number> {
  const rows = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(
      and(eq(apiTokens.teamId, ctx.teamId), eq(apiTokens.createdById, userId), isNull(apiTokens.revokedAt)),
    )
    .returning({ id: apiTokens.id });
  return rows.length;
}
