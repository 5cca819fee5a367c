import type { TeamContext } from '../context.ts';
import { auditLog } from '../schema/access.ts';

const SECRET_KEY = /password|secret|keyPem|token|credential/i;

/** Removes anything secret-looking from an audit snapshot, recursively. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        SECRET_KEY.test(k) && typeof v === 'string' ? '[redacted]' : redact(v),
      ]),
    );
  }
  return value;
}

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  targetName?: string | null;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(
  ctx: Pick<TeamContext, 'db' | 'actor'> & { teamId: string | null },
  e: AuditEntry,
): Promise<void> {
  await ctx.db.insert(auditLog).values({
    teamId: ctx.teamId,
    actorType: ctx.actor.type,
    actorId: ctx.actor.id,
    actorName: ctx.actor.name,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId ?? null,
    targetName: e.targetName ?? null,
    before: (e.before === undefined ? null : redact(e.before)) as Record<string, unknown> | null,
    after: (e.after === undefined ? null : redact(e.after)) as Record<string, unknown> | null,
    ip: ctx.actor.ip,
  });
}
