import { randomBytes } from 'node:crypto';
import { type AlertRules, ApiError, alertRulesSchema } from '@ferry/core';
import { seal } from '@ferry/core/secret-box';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TeamContext } from '../context.ts';
import { getFlowRowOrThrow } from '../flows/get-flow.ts';
import { flowAlertRules, flowAlerts, teamWebhooks, webhookDeliveries } from '../schema/observability.ts';

export async function getAlertRulesOf(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  flowId: string,
): Promise<AlertRules> {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const [r] = await ctx.db.select().from(flowAlertRules).where(eq(flowAlertRules.flowId, flow.id));
  return alertRulesSchema.parse(
    r
      ? {
          lagRecordsMax: r.lagRecordsMax,
          lagSecondsMax: r.lagSecondsMax,
          checkpointAgeSecondsMax: r.checkpointAgeSecondsMax,
          onFailed: r.onFailed,
        }
      : {},
  );
}

export async function saveAlertRules(
  ctx: TeamContext,
  flowId: string,
  rules: AlertRules,
): Promise<AlertRules> {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const before = await getAlertRulesOf(ctx, flow.id);
  await ctx.db
    .insert(flowAlertRules)
    .values({ flowId: flow.id, ...rules, updatedAt: new Date() })
    .onConflictDoUpdate({ target: flowAlertRules.flowId, set: { ...rules, updatedAt: new Date() } });
  await recordAudit(ctx, {
    action: 'flow.alert_rules.update',
    targetType: 'flow',
    targetId: flow.id,
    targetName: flow.name,
    before,
    after: rules,
  });
  return rules;
}

const alertView = (a: typeof flowAlerts.$inferSelect) => ({
  id: a.id,
  flowId: a.flowId,
  kind: a.kind,
  state: a.state,
  value: a.value,
  threshold: a.threshold,
  message: a.message,
  firedAt: a.firedAt.toISOString(),
  resolvedAt: a.resolvedAt?.toISOString() ?? null,
});
export type AlertView = ReturnType<typeof alertView>;

/** The team's alerts, firing first then newest; one flow's with `flowId`. */
export async function listAlerts(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  o: { flowId?: string; limit?: number } = {},
): Promise<AlertView[]> {
  const where = [eq(flowAlerts.teamId, ctx.teamId)];
  if (o.flowId) where.push(eq(flowAlerts.flowId, (await getFlowRowOrThrow(ctx, o.flowId)).id));
  const rows = await ctx.db
    .select()
    .from(flowAlerts)
    .where(and(...where))
    .orderBy(desc(flowAlerts.firedAt))
    .limit(o.limit ?? 50);
  return rows.map(alertView).sort((a, b) => Number(b.state === 'firing') - Number(a.state === 'firing'));
}

export async function firingAlerts(ctx: Pick<TeamContext, 'db' | 'teamId'>, flowIds: string[]) {
  if (flowIds.length === 0) return [];
  const rows = await ctx.db
    .select()
    .from(flowAlerts)
    .where(
      and(
        eq(flowAlerts.teamId, ctx.teamId),
        inArray(flowAlerts.flowId, flowIds),
        eq(flowAlerts.state, 'firing'),
      ),
    );
  return rows.map(alertView);
}

const webhookView = (w: typeof teamWebhooks.$inferSelect) => ({
  id: w.id,
  url: w.url,
  createdAt: w.createdAt.toISOString(),
});

export async function listWebhooks(ctx: Pick<TeamContext, 'db' | 'teamId'>) {
  const rows = await ctx.db
    .select()
    .from(teamWebhooks)
    .where(eq(teamWebhooks.teamId, ctx.teamId))
    .orderBy(desc(teamWebhooks.createdAt));
  return rows.map(webhookView);
}

/** A webhook receiver with a new HMAC secret: sealed at rest, returned only here, once. */
export async function createWebhook(ctx: TeamContext, url: string) {
  const key = ctx.keyring[0];
  if (!key)
    throw new ApiError(
      'unavailable',
      'no secret key is configured (FERRY_SECRET_KEY); cannot store a webhook secret',
    );
  const secret = `whsec_${randomBytes(24).toString('base64url')}`;
  const [w] = await ctx.db
    .insert(teamWebhooks)
    .values({ teamId: ctx.teamId, url, secret: seal({ secret }, key) as unknown as Record<string, unknown> })
    .returning();
  await recordAudit(ctx, {
    action: 'webhook.create',
    targetType: 'webhook',
    targetId: w!.id,
    targetName: url,
    after: { url },
  });
  return { ...webhookView(w!), secret };
}

export async function deleteWebhook(ctx: TeamContext, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError('not_found', 'webhook not found');
  const [w] = await ctx.db
    .delete(teamWebhooks)
    .where(and(eq(teamWebhooks.id, id), eq(teamWebhooks.teamId, ctx.teamId)))
    .returning();
  if (!w) throw new ApiError('not_found', 'webhook not found');
  await recordAudit(ctx, {
    action: 'webhook.delete',
    targetType: 'webhook',
    targetId: w.id,
    targetName: w.url,
    before: { url: w.url },
  });
}

/** The team's webhook delivery log, newest first. */
export async function listDeliveries(ctx: Pick<TeamContext, 'db' | 'teamId'>, limit = 100) {
  const rows = await ctx.db
    .select({ d: webhookDeliveries, url: teamWebhooks.url })
    .from(webhookDeliveries)
    .innerJoin(teamWebhooks, eq(teamWebhooks.id, webhookDeliveries.webhookId))
    .where(eq(webhookDeliveries.teamId, ctx.teamId))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(limit);
  return rows.map(({ d, url }) => ({
    id: d.id,
    webhookId: d.webhookId,
    url,
    alertId: d.alertId,
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt.toISOString(),
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
  }));
}
