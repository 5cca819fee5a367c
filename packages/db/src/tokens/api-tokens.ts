import { createHash, randomBytes } from 'node:crypto';
import { ApiError, canGrant, type Role } from '@ferry/core';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { Db } from '../client.ts';
import type { TeamContext } from '../context.ts';
import { apiTokens } from '../schema/access.ts';

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
  };
}

/** Creates a token; the plaintext is returned this once and never stored. */
export async function createApiToken(ctx: TeamContext, input: { name: string; role: Role }) {
  if (!canGrant(ctx.role, input.role))
    throw new ApiError('forbidden', `a ${ctx.role} cannot create a token with role ${input.role}`);
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({
      teamId: ctx.teamId,
      name: input.name,
      role: input.role,
      tokenHash: hashToken(token),
      prefix: token.slice(0, 10),
      createdById: ctx.actor.type === 'user' ? ctx.actor.id : null,
    })
    .returning();
  const view = tokenView(row!);
  await recordAudit(ctx, {
    action: 'token.create',
    targetType: 'api_token',
    targetId: view.id,
    targetName: view.name,
    after: { name: view.name, role: view.role, prefix: view.prefix },
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

/** The live token behind a bearer value, or null. */
export async function resolveApiToken(db: Db, token: string) {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const [row] = await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)))
    .returning();
  return row ? { id: row.id, name: row.name, teamId: row.teamId, role: row.role } : null;
}
