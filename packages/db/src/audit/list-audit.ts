import { and, desc, eq, ilike, lt, or, type SQL } from 'drizzle-orm';
import type { TeamContext } from '../context.ts';
import { auditLog } from '../schema/access.ts';

export interface AuditFilter {
  action?: string;
  actor?: string;
  targetType?: string;
  before?: Date;
  limit?: number;
}

export async function listAudit(ctx: Pick<TeamContext, 'db' | 'teamId'>, f: AuditFilter = {}) {
  const where: SQL[] = [eq(auditLog.teamId, ctx.teamId)];
  if (f.action) where.push(ilike(auditLog.action, `${f.action.replace(/[%_]/g, '')}%`));
  if (f.actor) where.push(ilike(auditLog.actorName, `%${f.actor.replace(/[%_]/g, '')}%`));
  if (f.targetType) where.push(eq(auditLog.targetType, f.targetType));
  if (f.before) where.push(lt(auditLog.createdAt, f.before));
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(and(...where, or(eq(auditLog.teamId, ctx.teamId))))
    .orderBy(desc(auditLog.createdAt))
    .limit(Math.min(f.limit ?? 100, 500));
  return rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() }));
}
