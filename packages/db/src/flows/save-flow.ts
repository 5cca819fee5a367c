import {
  ApiError,
  type FlowConfig,
  type FlowCreate,
  type FlowIssue,
  type FlowUpdate,
  validateFlow,
  validationError,
} from '@ferry/core';
import { and, eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import type { TeamContext } from '../context.ts';
import { flows } from '../schema/replication.ts';
import { flowView } from './flow-view.ts';
import { clusterNames, getFlowRowOrThrow } from './get-flow.ts';

interface Candidate {
  id?: string;
  name: string;
  sourceClusterId: string;
  targetClusterId: string;
  config: FlowConfig;
}

/** Whole-flow validation against the team's clusters and other flows. Throws on errors, returns warnings. */
export async function checkFlow(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  f: Candidate,
): Promise<{ warnings: FlowIssue[]; names: Map<string, string> }> {
  const names = await clusterNames(ctx);
  const missing = [];
  if (!names.has(f.sourceClusterId))
    missing.push({ path: 'sourceClusterId', message: 'no such cluster in this team' });
  if (!names.has(f.targetClusterId))
    missing.push({ path: 'targetClusterId', message: 'no such cluster in this team' });
  if (missing.length) throw validationError(missing);
  const others = await ctx.db.select().from(flows).where(eq(flows.teamId, ctx.teamId));
  const issues = validateFlow(
    f,
    others.map((o) => ({ ...o, config: o.config as FlowConfig })),
  );
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length) throw validationError(errors.map(({ path, message }) => ({ path, message })));
  return { warnings: issues.filter((i) => i.severity === 'warning'), names };
}

const unique = (e: unknown) =>
  ((e as { cause?: { code?: string }; code?: string }).cause ?? (e as { code?: string })).code === '23505';
const nameConflict = (name: string) =>
  new ApiError('conflict', `a flow named "${name}" already exists`, [
    { path: 'name', message: 'already used by another flow of this team' },
  ]);

export async function createFlow(ctx: TeamContext, input: FlowCreate) {
  const { warnings, names } = await checkFlow(ctx, input);
  try {
    const [row] = await ctx.db
      .insert(flows)
      .values({
        teamId: ctx.teamId,
        name: input.name,
        sourceClusterId: input.sourceClusterId,
        targetClusterId: input.targetClusterId,
        enabled: input.enabled,
        config: input.config,
      })
      .returning();
    const view = flowView(row!, names);
    await recordAudit(ctx, {
      action: 'flow.create',
      targetType: 'flow',
      targetId: view.id,
      targetName: view.name,
      after: view,
    });
    return { flow: view, warnings };
  } catch (e) {
    if (unique(e)) throw nameConflict(input.name);
    throw e;
  }
}

export async function updateFlow(ctx: TeamContext, id: string, input: FlowUpdate) {
  const prev = await getFlowRowOrThrow(ctx, id);
  const next: Candidate = {
    id,
    name: input.name ?? prev.name,
    sourceClusterId: input.sourceClusterId ?? prev.sourceClusterId,
    targetClusterId: input.targetClusterId ?? prev.targetClusterId,
    config: input.config ?? (prev.config as FlowConfig),
  };
  const { warnings, names } = await checkFlow(ctx, next);
  try {
    const [row] = await ctx.db
      .update(flows)
      .set({
        name: next.name,
        sourceClusterId: next.sourceClusterId,
        targetClusterId: next.targetClusterId,
        config: next.config,
        updatedAt: new Date(),
      })
      .where(and(eq(flows.id, id), eq(flows.teamId, ctx.teamId)))
      .returning();
    const view = flowView(row!, names);
    await recordAudit(ctx, {
      action: 'flow.update',
      targetType: 'flow',
      targetId: id,
      targetName: view.name,
      before: flowView(prev, names),
      after: view,
    });
    return { flow: view, warnings };
  } catch (e) {
    if (unique(e)) throw nameConflict(next.name);
    throw e;
  }
}

export async function setFlowEnabled(ctx: TeamContext, id: string, enabled: boolean) {
  const prev = await getFlowRowOrThrow(ctx, id);
  const [row] = await ctx.db
    .update(flows)
    .set({ enabled, updatedAt: new Date() })
    .where(and(eq(flows.id, id), eq(flows.teamId, ctx.teamId)))
    .returning();
  const names = await clusterNames(ctx);
  if (prev.enabled !== enabled)
    await recordAudit(ctx, {
      action: enabled ? 'flow.enable' : 'flow.disable',
      targetType: 'flow',
      targetId: id,
      targetName: prev.name,
      before: { enabled: prev.enabled },
      after: { enabled },
    });
  return flowView(row!, names);
}

export async function deleteFlow(ctx: TeamContext, id: string): Promise<void> {
  const prev = await getFlowRowOrThrow(ctx, id);
  await ctx.db.delete(flows).where(and(eq(flows.id, id), eq(flows.teamId, ctx.teamId)));
  await recordAudit(ctx, {
    action: 'flow.delete',
    targetType: 'flow',
    targetId: id,
    targetName: prev.name,
    before: flowView(prev, await clusterNames(ctx)),
  });
}
