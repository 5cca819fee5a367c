import { createHmac } from 'node:crypto';
import {
  type AlertKind,
  alertRulesSchema,
  alertTransitions,
  crossings,
  WEBHOOK_MAX_ATTEMPTS,
  webhookBackoffMs,
} from '@ferry/core';
import { open, type SecretEnvelope, type SecretKey } from '@ferry/core/secret-box';
import {
  claimDueWebhookDeliveries,
  type Db,
  firingAlertRowsOf,
  flowsWithAlertRules,
  insertFiringAlert,
  latestCheckpointAt,
  queueAlertDeliveries,
  recentRawLagSamples,
  recordWebhookAttempt,
  resolveFiringAlert,
  webhookDeliveriesWithReceivers,
} from '@ferry/db';

/** A sample older than this is not "now": lag alerts neither fire nor resolve on it. */
const SAMPLE_FRESH_MS = 30_000;

/**
 * One evaluation of every flow that has alert rules: reads its latest lag sample, checkpoint age and state,
 * fires what crossed a threshold and resolves what fell back, and queues one webhook delivery per team
 * receiver for each change. Two workers evaluating at once insert a firing alert once (a unique index per
 * flow and kind while firing): only the one that inserted it queues deliveries.
 */
export async function evaluateAlerts(db: Db, now = Date.now()): Promise<{ fired: number; resolved: number }> {
  const flows = await flowsWithAlertRules(db);
  let fired = 0;
  let resolved = 0;
  for (const { flow, rules } of flows) {
    // The last two samples: an alert fires when both cross and resolves when both are back under, so one
    // odd interval (a task hand-over, the switch from the disabled-flow probe to the tasks) never flaps it.
    const samples = await recentRawLagSamples(db, flow.id, new Date(now - SAMPLE_FRESH_MS), 2);
    const checkpointAt = await latestCheckpointAt(db, flow.id);
    const firingRows = await firingAlertRowsOf(db, flow.id);
    const fresh = samples.length > 0;
    const pick = (f: (...v: number[]) => number) => ({
      enabled: flow.enabled,
      status: flow.status,
      lastError: flow.lastError,
      lagRecords: fresh ? f(...samples.map((x) => x.lagRecords)) : null,
      lagSeconds: fresh ? f(...samples.map((x) => x.lagMsMax / 1000)) : null,
      checkpointAgeSeconds: checkpointAt ? (now - new Date(checkpointAt).getTime()) / 1000 : null,
    });
    const r = alertRulesSchema.parse(rules);
    const crossedBoth = crossings(flow.name, r, pick(Math.min));
    const crossedAny = new Set(crossings(flow.name, r, pick(Math.max)).map((c) => c.kind));
    // Without a fresh sample the lag is unknown: keep lag alerts as they are rather than resolve them.
    const unknown = new Set<AlertKind>(fresh ? [] : ['lag_records', 'lag_seconds']);
    const firing = new Set(firingRows.map((a) => a.kind as AlertKind).filter((k) => !unknown.has(k)));
    const t = {
      fire: alertTransitions(crossedBoth, firing).fire,
      resolve: [...firing].filter((k) => !crossedAny.has(k)),
    };
    for (const c of t.fire) {
      const a = await insertFiringAlert(db, {
        flowId: flow.id,
        teamId: flow.teamId,
        kind: c.kind,
        value: c.value,
        threshold: c.threshold,
        message: c.message,
        firedAt: new Date(now),
      });
      if (!a) continue;
      fired++;
      await queueAlertDeliveries(db, flow.teamId, a.id, {
        type: 'alert.fired',
        alert: {
          id: a.id,
          kind: a.kind,
          message: a.message,
          value: a.value,
          threshold: a.threshold,
          firedAt: a.firedAt.toISOString(),
        },
        flow: { id: flow.id, name: flow.name },
      });
    }
    for (const kind of t.resolve) {
      const a = await resolveFiringAlert(db, flow.id, kind, new Date(now));
      if (!a) continue;
      resolved++;
      await queueAlertDeliveries(db, flow.teamId, a.id, {
        type: 'alert.resolved',
        alert: {
          id: a.id,
          kind: a.kind,
          message: a.message,
          firedAt: a.firedAt.toISOString(),
          resolvedAt: new Date(now).toISOString(),
        },
        flow: { id: flow.id, name: flow.name },
      });
    }
  }
  return { fired, resolved };
}

/** `X-Ferry-Signature`: HMAC-SHA256 of `<timestamp>.<body>` with the webhook's secret, hex. Pure. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends due webhook deliveries (claimed with SKIP LOCKED, so two workers never send one twice at once):
 * POST JSON with `X-Ferry-Timestamp` and `X-Ferry-Signature`; a 2xx answer delivers, anything else retries
 * with exponential back-off up to WEBHOOK_MAX_ATTEMPTS, then the delivery is failed. Only the URL, status
 * and error words are logged in the delivery row — never the secret.
 */
export async function sendDueWebhooks(
  db: Db,
  keyring: readonly SecretKey[],
  now = Date.now(),
  fetchImpl: typeof fetch = fetch,
): Promise<number> {
  const ids = await claimDueWebhookDeliveries(db, now);
  if (ids.length === 0) return 0;
  const rows = await webhookDeliveriesWithReceivers(db, ids);
  for (const { d, url, secret } of rows) {
    const body = JSON.stringify({ id: d.id, ...d.event });
    const ts = String(Math.floor(Date.now() / 1000));
    let status: number | null = null;
    let error: string | null = null;
    try {
      const key = open<{ secret: string }>(secret as unknown as SecretEnvelope, keyring).secret;
      const res = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Ferry-Webhook/1',
          'x-ferry-delivery': d.id,
          'x-ferry-timestamp': ts,
          'x-ferry-signature': signWebhook(key, ts, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(5000),
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (!res.ok) error = `the receiver answered ${res.status}`;
    } catch (e) {
      error = (e as Error).message;
    }
    const attempts = d.attempts + 1;
    const done = error === null;
    await recordWebhookAttempt(db, d.id, {
      attempts,
      lastStatus: status,
      lastError: error,
      state: done ? 'delivered' : attempts >= WEBHOOK_MAX_ATTEMPTS ? 'failed' : 'pending',
      deliveredAt: done ? new Date() : null,
      nextAttemptAt: new Date(now + (done ? 0 : webhookBackoffMs(attempts))),
    });
  }
  return rows.length;
}
