import { DEFAULT_LAG_THRESHOLDS, type FlowHealth, flowHealth, type LagThresholds } from '@ferry/core';
import { and, asc, desc, eq, gte, inArray, sql } from 'drizzle-orm';
import type { TeamContext } from '../context.ts';
import { listFlows } from '../flows/get-flow.ts';
import { flowAlertRules } from '../schema/observability.ts';
import { flowMetricSamples, flowTasks, workers } from '../schema/observed.ts';
import { flowSparklines } from './flow-metrics.ts';

export interface FlowOverview {
  id: string;
  name: string;
  sourceClusterName: string;
  targetClusterName: string;
  enabled: boolean;
  health: FlowHealth;
  reason: string;
  lagRecords: number | null;
  lagSeconds: number | null;
  recordsPerSecond: number | null;
  bytesPerSecond: number | null;
  sparkline: { lagRecords: [number, number][]; recordsPerSecond: [number, number][] };
  tasks: { running: number; total: number };
}

export interface WorkerOverview {
  id: string;
  host: string;
  pid: number;
  version: string;
  state: string;
  alive: boolean;
  lastHeartbeatAt: string;
  startedAt: string;
  tasks: number;
}

/** A worker is alive while its heartbeat (every 2 s) is younger than this. */
export const WORKER_ALIVE_MS = 10_000;

/** Per-flow alert thresholds (null when the flow has none). */
export async function getAlertRules(ctx: Pick<TeamContext, 'db'>, flowIds: string[]) {
  if (flowIds.length === 0) return new Map<string, typeof flowAlertRules.$inferSelect>();
  const rows = await ctx.db.select().from(flowAlertRules).where(inArray(flowAlertRules.flowId, flowIds));
  return new Map(rows.map((r) => [r.flowId, r]));
}

/** Every flow of the team with its health, current lag and throughput and a 15-minute sparkline. */
export async function flowsOverview(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  now = Date.now(),
): Promise<FlowOverview[]> {
  const flows = await listFlows(ctx);
  const ids = flows.map((f) => f.id);
  if (ids.length === 0) return [];
  const t = flowMetricSamples;
  const [latest, sparks, rules, tasks] = await Promise.all([
    ctx.db
      .selectDistinctOn([t.flowId], {
        flowId: t.flowId,
        at: t.at,
        lagRecords: t.lagRecords,
        lagMsMax: t.lagMsMax,
        records: t.records,
        bytes: t.bytes,
      })
      .from(t)
      .where(and(inArray(t.flowId, ids), eq(t.resolution, 'raw'), gte(t.at, new Date(now - 15 * 60_000))))
      .orderBy(asc(t.flowId), desc(t.at)),
    flowSparklines(ctx, ids, now),
    getAlertRules(ctx, ids),
    ctx.db
      .select({
        flowId: flowTasks.flowId,
        total: sql<number>`count(*)::int`,
        running: sql<number>`(count(*) filter (where ${flowTasks.state} = 'running'))::int`,
      })
      .from(flowTasks)
      .where(inArray(flowTasks.flowId, ids))
      .groupBy(flowTasks.flowId),
  ]);
  const byFlow = new Map(latest.map((r) => [r.flowId, r]));
  const taskCounts = new Map(tasks.map((r) => [r.flowId, r]));
  return flows.map((f) => {
    const s = byFlow.get(f.id);
    const r = rules.get(f.id);
    const thresholds: LagThresholds = r
      ? { lagRecordsMax: r.lagRecordsMax, lagSecondsMax: r.lagSecondsMax }
      : DEFAULT_LAG_THRESHOLDS;
    const lagSeconds = s ? s.lagMsMax / 1000 : null;
    const { health, reason } = flowHealth(
      {
        enabled: f.enabled,
        status: f.status,
        lastError: f.lastError,
        lagRecords: s?.lagRecords ?? null,
        lagSeconds,
        sampleAgeMs: s ? now - s.at.getTime() : null,
      },
      thresholds,
    );
    return {
      id: f.id,
      name: f.name,
      sourceClusterName: f.sourceClusterName,
      targetClusterName: f.targetClusterName,
      enabled: f.enabled,
      health,
      reason,
      lagRecords: s?.lagRecords ?? null,
      lagSeconds,
      recordsPerSecond: s ? s.records / 5 : null,
      bytesPerSecond: s ? s.bytes / 5 : null,
      sparkline: sparks.get(f.id) ?? { lagRecords: [], recordsPerSecond: [] },
      tasks: { running: taskCounts.get(f.id)?.running ?? 0, total: taskCounts.get(f.id)?.total ?? 0 },
    };
  });
}

/** The worker processes (shared by every team: they run everyone's tasks), live ones first. */
export async function listWorkers(ctx: Pick<TeamContext, 'db'>, now = Date.now()): Promise<WorkerOverview[]> {
  const rows = await ctx.db
    .select()
    .from(workers)
    .where(gte(workers.lastHeartbeatAt, new Date(now - 24 * 3600_000)))
    .orderBy(desc(workers.lastHeartbeatAt));
  return rows
    .map((w) => ({
      id: w.id,
      host: w.host,
      pid: w.pid,
      version: w.version,
      state: w.state,
      alive: w.state !== 'dead' && now - w.lastHeartbeatAt.getTime() < WORKER_ALIVE_MS,
      lastHeartbeatAt: w.lastHeartbeatAt.toISOString(),
      startedAt: w.startedAt.toISOString(),
      tasks: w.tasks.length,
    }))
    .sort((a, b) => Number(b.alive) - Number(a.alive));
}
