/**
 * A flow's health for the overview, from what the workers last reported. Thresholds are per flow (the
 * flow's alert rules); without any, a flow is "lagging" once its oldest unreplicated record is a minute old.
 */
export const FLOW_HEALTHS = ['healthy', 'lagging', 'degraded', 'failed', 'disabled'] as const;
export type FlowHealth = (typeof FLOW_HEALTHS)[number];

export interface LagThresholds {
  lagRecordsMax: number | null;
  lagSecondsMax: number | null;
}
export const DEFAULT_LAG_THRESHOLDS: LagThresholds = { lagRecordsMax: null, lagSecondsMax: 60 };

/** Samples older than this mean no worker reports the flow any more. */
export const SAMPLE_STALE_MS = 60_000;

export interface HealthInput {
  enabled: boolean;
  /** The worker-written flow status (running, starting, degraded, failed, …) or null before any report. */
  status: string | null;
  lastError: string | null;
  /** Latest flow sample (null: none in the last minutes). */
  lagRecords: number | null;
  lagSeconds: number | null;
  sampleAgeMs: number | null;
}

export function flowHealth(
  i: HealthInput,
  t: LagThresholds = DEFAULT_LAG_THRESHOLDS,
): { health: FlowHealth; reason: string } {
  if (!i.enabled) return { health: 'disabled', reason: 'disabled' };
  if (i.status === 'failed') return { health: 'failed', reason: i.lastError ?? 'a task failed' };
  if (i.status === 'degraded') return { health: 'degraded', reason: i.lastError ?? 'running with problems' };
  if (i.status !== 'running')
    return {
      health: 'degraded',
      reason: i.status ? `${i.status}, not replicating yet` : 'no worker has reported yet',
    };
  if (i.sampleAgeMs === null || i.sampleAgeMs > SAMPLE_STALE_MS)
    return { health: 'degraded', reason: 'no metrics from a worker for over a minute' };
  if (t.lagRecordsMax !== null && (i.lagRecords ?? 0) > t.lagRecordsMax)
    return { health: 'lagging', reason: `${i.lagRecords} records behind (threshold ${t.lagRecordsMax})` };
  if (t.lagSecondsMax !== null && (i.lagSeconds ?? 0) > t.lagSecondsMax)
    return {
      health: 'lagging',
      reason: `${Math.round(i.lagSeconds ?? 0)} s behind (threshold ${t.lagSecondsMax} s)`,
    };
  return { health: 'healthy', reason: 'replicating, within its thresholds' };
}
