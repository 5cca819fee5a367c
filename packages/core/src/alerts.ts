import { z } from 'zod';

/**
 * Per-flow alerts: thresholds on lag (records or seconds), checkpoint age and the flow's state. Crossing one
 * fires an alert (once, until it clears); falling back under it resolves the alert. Pure decisions here; the
 * worker's evaluator stores alerts and queues webhook deliveries.
 */
export const ALERT_KINDS = ['lag_records', 'lag_seconds', 'checkpoint_age', 'flow_failed'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const threshold = z.number().positive().nullable();
export const alertRulesSchema = z
  .object({
    lagRecordsMax: z
      .number()
      .int()
      .positive()
      .nullable()
      .default(null)
      .describe('Fire when more records than this are not yet replicated'),
    lagSecondsMax: threshold
      .default(null)
      .describe('Fire when the oldest unreplicated record is older than this'),
    checkpointAgeSecondsMax: threshold
      .default(null)
      .describe('Fire when no checkpoint round ran for this long'),
    onFailed: z.boolean().default(true).describe('Fire when the flow is failed'),
  })
  .meta({ id: 'AlertRules' });
export type AlertRules = z.infer<typeof alertRulesSchema>;

export interface AlertSignals {
  enabled: boolean;
  status: string | null;
  lastError: string | null;
  /** Null: not measured recently (no sample), which never fires a lag alert. */
  lagRecords: number | null;
  lagSeconds: number | null;
  checkpointAgeSeconds: number | null;
}

export interface AlertCrossing {
  kind: AlertKind;
  value: number | null;
  threshold: number | null;
  message: string;
}

/** The alerts that should be firing now for these signals. */
export function crossings(flowName: string, r: AlertRules, s: AlertSignals): AlertCrossing[] {
  const out: AlertCrossing[] = [];
  if (r.lagRecordsMax !== null && s.lagRecords !== null && s.lagRecords > r.lagRecordsMax)
    out.push({
      kind: 'lag_records',
      value: s.lagRecords,
      threshold: r.lagRecordsMax,
      message: `${flowName}: ${s.lagRecords} records not yet replicated (threshold ${r.lagRecordsMax})`,
    });
  if (r.lagSecondsMax !== null && s.lagSeconds !== null && s.lagSeconds > r.lagSecondsMax)
    out.push({
      kind: 'lag_seconds',
      value: s.lagSeconds,
      threshold: r.lagSecondsMax,
      message: `${flowName}: replication is ${s.lagSeconds.toFixed(1)} s behind (threshold ${r.lagSecondsMax} s)`,
    });
  if (
    s.enabled &&
    r.checkpointAgeSecondsMax !== null &&
    s.checkpointAgeSeconds !== null &&
    s.checkpointAgeSeconds > r.checkpointAgeSecondsMax
  )
    out.push({
      kind: 'checkpoint_age',
      value: s.checkpointAgeSeconds,
      threshold: r.checkpointAgeSecondsMax,
      message: `${flowName}: last checkpoint ${Math.round(s.checkpointAgeSeconds)} s ago (threshold ${r.checkpointAgeSecondsMax} s)`,
    });
  if (r.onFailed && s.enabled && s.status === 'failed')
    out.push({
      kind: 'flow_failed',
      value: null,
      threshold: null,
      message: `${flowName} failed${s.lastError ? `: ${s.lastError}` : ''}`,
    });
  return out;
}

/** What changes: alerts to fire (not firing yet) and kinds to resolve (firing, no longer crossed). */
export function alertTransitions(
  now: AlertCrossing[],
  firing: ReadonlySet<AlertKind>,
): { fire: AlertCrossing[]; resolve: AlertKind[] } {
  const crossed = new Set(now.map((c) => c.kind));
  return {
    fire: now.filter((c) => !firing.has(c.kind)),
    resolve: [...firing].filter((k) => !crossed.has(k)),
  };
}

/** Delay before delivery attempt n+1 after n failed attempts: 1 s, 2 s, 4 s … capped at 5 min. */
export function webhookBackoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 300_000);
}
export const WEBHOOK_MAX_ATTEMPTS = 8;

/**
 * Why a webhook URL is refused, or null: http(s) only, no credentials in it, never link-local or cloud
 * metadata addresses (a receiver inside the company network, loopback included, is fine). Pure.
 */
export function webhookUrlProblem(raw: string): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'only http:// and https:// URLs are allowed';
  if (u.username || u.password)
    return 'put no credentials in the URL; the HMAC signature authenticates Ferry';
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (/^169\.254\./.test(host) || /^fe[89ab][0-9a-f]:/.test(host))
    return 'link-local addresses are not allowed';
  if (host === 'metadata.google.internal' || host === 'metadata' || host === '100.100.100.200')
    return 'cloud metadata addresses are not allowed';
  return null;
}

export const webhookCreateSchema = z
  .object({
    url: z
      .string()
      .trim()
      .max(2000)
      .superRefine((v, ctx) => {
        const p = webhookUrlProblem(v);
        if (p) ctx.addIssue({ code: 'custom', message: p });
      }),
  })
  .meta({ id: 'WebhookCreate' });
