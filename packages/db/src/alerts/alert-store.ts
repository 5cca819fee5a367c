import { and, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import * as schema from '../schema/index.ts';

/** The alert evaluator's and webhook sender's reads and writes (apps/worker/src/alerts). */

/** Every flow that has alert rules, with its rules. */
export async function flowsWithAlertRules(db: Db) {
  return db
    .select({ flow: schema.flows, rules: schema.flowAlertRules })
    .from(schema.flowAlertRules)
    .innerJoin(schema.flows, eq(schema.flows.id, schema.flowAlertRules.flowId));
}

/** The flow's newest raw samples taken at or after `since`, newest first (at most `limit`). */
export async function recentRawLagSamples(db: Db, flowId: string, since: Date, limit: number) {
  const s = schema.flowMetricSamples;
  return db
    .select({ at: s.at, lagRecords: s.lagRecords, lagMsMax: s.lagMsMax })
    .from(s)
    .where(and(eq(s.flowId, flowId), eq(s.resolution, 'raw'), gte(s.at, since)))
    .orderBy(desc(s.at))
    .limit(limit);
}

/** When the flow's consumer-group checkpoints were last checked (the newest of them), or null. */
export async function latestCheckpointAt(db: Db, flowId: string): Promise<string | null> {
  const [ck] = await db
    .select({ at: sql<string | null>`max(${schema.groupOffsetsLatest.checkedAt})` })
    .from(schema.groupOffsetsLatest)
    .where(eq(schema.groupOffsetsLatest.flowId, flowId));
  return ck?.at ?? null;
}

/** The flow's alerts that are firing now. */
export async function firingAlertRowsOf(db: Db, flowId: string) {
  return db
    .select()
    .from(schema.flowAlerts)
    .where(and(eq(schema.flowAlerts.flowId, flowId), eq(schema.flowAlerts.state, 'firing')));
}

export type NewFiringAlert = Pick<
  typeof schema.flowAlerts.$inferInsert,
  'flowId' | 'teamId' | 'kind' | 'value' | 'threshold' | 'message' | 'firedAt'
>;

/**
 * Inserts a firing alert; undefined when one of that flow and kind is already firing (a unique index per
 * flow and kind while firing), so of two workers evaluating at once only one gets the row.
 */
export async function insertFiringAlert(db: Db, alert: NewFiringAlert) {
  const [a] = await db
    .insert(schema.flowAlerts)
    .values({ ...alert, state: 'firing' })
    .onConflictDoNothing()
    .returning();
  return a;
}

/** Resolves the flow's firing alert of that kind at `at`; undefined when none was firing. */
export async function resolveFiringAlert(db: Db, flowId: string, kind: string, at: Date) {
  const [a] = await db
    .update(schema.flowAlerts)
    .set({ state: 'resolved', resolvedAt: at })
    .where(
      and(
        eq(schema.flowAlerts.flowId, flowId),
        eq(schema.flowAlerts.kind, kind),
        eq(schema.flowAlerts.state, 'firing'),
      ),
    )
    .returning();
  return a;
}

/** Queues one delivery of `event` (marked `sentBy: 'ferry'`) to each of the team's webhooks. */
export async function queueAlertDeliveries(
  db: Db,
  teamId: string,
  alertId: string,
  event: Record<string, unknown>,
): Promise<void> {
  const hooks = await db
    .select({ id: schema.teamWebhooks.id })
    .from(schema.teamWebhooks)
    .where(eq(schema.teamWebhooks.teamId, teamId));
  if (hooks.length === 0) return;
  await db
    .insert(schema.webhookDeliveries)
    .values(hooks.map((h) => ({ webhookId: h.id, teamId, alertId, event: { ...event, sentBy: 'ferry' } })));
}

/**
 * Claims up to 20 pending deliveries due at `now` (SKIP LOCKED, so two workers never claim one at once) by
 * moving their next attempt a minute on; returns their ids.
 */
export async function claimDueWebhookDeliveries(db: Db, now: number): Promise<string[]> {
  const claimed = await db.execute<{ id: string }>(sql`
    update webhook_deliveries set next_attempt_at = ${new Date(now + 60_000)}::timestamptz
    where id in (select id from webhook_deliveries where state = 'pending' and next_attempt_at <= ${new Date(now)}::timestamptz
                 order by next_attempt_at limit 20 for update skip locked)
    returning id`);
  return claimed.rows.map((r) => r.id);
}

/** The deliveries with those ids, each with its webhook's URL and sealed secret. */
export async function webhookDeliveriesWithReceivers(db: Db, ids: string[]) {
  return db
    .select({ d: schema.webhookDeliveries, url: schema.teamWebhooks.url, secret: schema.teamWebhooks.secret })
    .from(schema.webhookDeliveries)
    .innerJoin(schema.teamWebhooks, eq(schema.teamWebhooks.id, schema.webhookDeliveries.webhookId))
    .where(inArray(schema.webhookDeliveries.id, ids));
}

export type WebhookAttempt = Pick<
  typeof schema.webhookDeliveries.$inferInsert,
  'attempts' | 'lastStatus' | 'lastError' | 'state' | 'deliveredAt' | 'nextAttemptAt'
>;

/** Records the outcome of one attempt at a delivery. */
export async function recordWebhookAttempt(
  db: Db,
  deliveryId: string,
  attempt: WebhookAttempt,
): Promise<void> {
  await db.update(schema.webhookDeliveries).set(attempt).where(eq(schema.webhookDeliveries.id, deliveryId));
}
