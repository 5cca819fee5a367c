import {
  ApiError,
  type VerificationReport,
  type VerificationState,
  verificationReportSchema,
  verificationSummary,
} from '@ferry/core';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { TeamContext } from '../context.ts';
import { flowVerifications } from '../schema/observed.ts';
import { flows } from '../schema/replication.ts';
import { getFlowRowOrThrow } from './get-flow.ts';

export type VerificationRow = typeof flowVerifications.$inferSelect;

/** A verification run as the API and the dashboard show it. */
export interface VerificationView {
  id: string;
  flowId: string;
  state: VerificationState;
  recordsPerPartition: number;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The result (or the state) in one sentence. */
  summary: string;
  report: VerificationReport | null;
  error: string | null;
}

export function verificationView(row: VerificationRow): VerificationView {
  const parsed = row.report ? verificationReportSchema.safeParse(row.report) : undefined;
  const report = parsed?.success ? parsed.data : null;
  const state = row.state as VerificationState;
  return {
    id: row.id,
    flowId: row.flowId,
    state,
    recordsPerPartition: row.recordsPerPartition,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    summary: verificationSummary({ state, report, error: row.error }),
    report,
    error: row.error,
  };
}

/** A queued verification run of one of the team's flows, requested by the acting person or token. */
export async function createVerification(
  ctx: Pick<TeamContext, 'db' | 'teamId' | 'actor'>,
  flowId: string,
  o: { recordsPerPartition: number },
): Promise<{ view: VerificationView; flowName: string }> {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const [row] = await ctx.db
    .insert(flowVerifications)
    .values({
      flowId: flow.id,
      teamId: ctx.teamId,
      requestedByType: ctx.actor.type,
      requestedById: ctx.actor.id,
      requestedBy: ctx.actor.name,
      recordsPerPartition: o.recordsPerPartition,
    })
    .returning();
  return { view: verificationView(row!), flowName: flow.name };
}

/** A flow's verification runs, newest first. */
export async function listVerifications(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  flowId: string,
  limit = 20,
): Promise<VerificationView[]> {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const rows = await ctx.db
    .select()
    .from(flowVerifications)
    .where(and(eq(flowVerifications.flowId, flow.id), eq(flowVerifications.teamId, ctx.teamId)))
    .orderBy(desc(flowVerifications.createdAt), desc(flowVerifications.id))
    .limit(limit);
  return rows.map(verificationView);
}

export async function getVerificationOrThrow(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  flowId: string,
  id: string,
): Promise<VerificationView> {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ApiError('not_found', 'verification not found');
  const [row] = await ctx.db
    .select()
    .from(flowVerifications)
    .where(
      and(
        eq(flowVerifications.id, id),
        eq(flowVerifications.flowId, flow.id),
        eq(flowVerifications.teamId, ctx.teamId),
      ),
    );
  if (!row) throw new ApiError('not_found', 'verification not found');
  return verificationView(row);
}

/** Worker side: marks a queued (or retried) run running; undefined when the row is gone or already finished. */
export async function startVerification(db: Db, id: string): Promise<VerificationRow | undefined> {
  const [row] = await db
    .update(flowVerifications)
    .set({ state: 'running', startedAt: new Date() })
    .where(and(eq(flowVerifications.id, id), inArray(flowVerifications.state, ['queued', 'running'])))
    .returning();
  return row;
}

/** Worker side: stores the outcome of a run. */
export async function finishVerification(
  db: Db,
  id: string,
  o:
    | { state: 'passed' | 'failed'; report: VerificationReport }
    | { state: 'error'; error: string; report?: undefined },
): Promise<void> {
  await db
    .update(flowVerifications)
    .set({
      state: o.state,
      report: (o.report ?? null) as Record<string, unknown> | null,
      error: o.state === 'error' ? o.error : null,
      finishedAt: new Date(),
    })
    // A run already ended (by the stuck-run sweep, with its reason) keeps that ending.
    .where(and(eq(flowVerifications.id, id), inArray(flowVerifications.state, ['queued', 'running'])));
}

/** Worker side: the run's team and flow, and the flow's team (undefined when the run is gone). */
export async function getVerificationOwner(
  db: Db,
  id: string,
): Promise<{ teamId: string; flowId: string; flowTeam: string } | undefined> {
  const [run] = await db
    .select({ teamId: flowVerifications.teamId, flowId: flowVerifications.flowId, flowTeam: flows.teamId })
    .from(flowVerifications)
    .innerJoin(flows, eq(flows.id, flowVerifications.flowId))
    .where(eq(flowVerifications.id, id));
  return run;
}

/** Worker side: the runs not finished yet (queued or running), for ending stuck ones. */
export async function listOpenVerifications(
  db: Db,
): Promise<Array<{ id: string; state: string; createdAt: Date; startedAt: Date | null }>> {
  const v = flowVerifications;
  return db
    .select({ id: v.id, state: v.state, createdAt: v.createdAt, startedAt: v.startedAt })
    .from(v)
    .where(inArray(v.state, ['queued', 'running']));
}

/** Worker side: ends a stuck run in `error`, only if it is still in the state it was seen in; true if it was. */
export async function endVerificationIfStill(
  db: Db,
  id: string,
  seenState: string,
  error: string,
  at: Date,
): Promise<boolean> {
  const v = flowVerifications;
  const [row] = await db
    .update(v)
    .set({ state: 'error', error, finishedAt: at })
    .where(and(eq(v.id, id), eq(v.state, seenState as 'queued' | 'running')))
    .returning({ id: v.id });
  return !!row;
}
