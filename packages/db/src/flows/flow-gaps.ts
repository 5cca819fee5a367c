import { type DataGap, describeGap, type GapPolicyName, type GapReason } from '@ferry/core';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { TeamContext } from '../context.ts';
import { flowGaps } from '../schema/observed.ts';
import { flows } from '../schema/replication.ts';
import { getFlowRowOrThrow } from './get-flow.ts';

export interface GapInput {
  flowId: string;
  topic: string;
  partition: number;
  remoteTopic: string;
  from: string;
  to: string;
  records: string;
  reason: GapReason;
  policy: GapPolicyName;
  resumeAt: string;
}

/** A recorded gap as the API and the dashboard show it (offsets as decimal strings). */
export interface GapView {
  id: string;
  topic: string;
  partition: number;
  remoteTopic: string;
  from: string;
  to: string;
  records: string;
  reason: GapReason;
  policy: GapPolicyName;
  resumeAt: string;
  detectedAt: string;
  /** The gap in one sentence. */
  sentence: string;
}

/**
 * Worker side: stores a gap once (a halted partition meets it again at every start). True when it is new.
 */
export async function recordGap(db: Db, g: GapInput): Promise<boolean> {
  const rows = await db
    .insert(flowGaps)
    .values({
      flowId: g.flowId,
      topic: g.topic,
      partition: g.partition,
      remoteTopic: g.remoteTopic,
      fromOffset: BigInt(g.from),
      toOffset: BigInt(g.to),
      records: BigInt(g.records),
      reason: g.reason,
      policy: g.policy,
      resumeAt: BigInt(g.resumeAt),
    })
    .onConflictDoNothing()
    .returning({ id: flowGaps.id });
  return rows.length > 0;
}

/** A flow's gaps, newest first, each with its sentence (`source` = the source cluster's name). */
export async function listGaps(
  ctx: Pick<TeamContext, 'db' | 'teamId'>,
  flowId: string,
  source: string,
  limit = 20,
): Promise<GapView[]> {
  const flow = await getFlowRowOrThrow(ctx, flowId);
  const rows = await ctx.db
    .select({ g: flowGaps })
    .from(flowGaps)
    .innerJoin(flows, eq(flows.id, flowGaps.flowId))
    .where(and(eq(flowGaps.flowId, flow.id), eq(flows.teamId, ctx.teamId)))
    .orderBy(desc(flowGaps.detectedAt), desc(flowGaps.id))
    .limit(limit);
  return rows
    .map(({ g }) => {
      const gap: DataGap = {
        source,
        topic: g.topic,
        partition: g.partition,
        from: String(g.fromOffset),
        to: String(g.toOffset),
        records: String(g.records),
        reason: g.reason as GapReason,
        policy: g.policy as GapPolicyName,
        resumeAt: String(g.resumeAt),
      };
      return {
        id: g.id,
        ...gap,
        remoteTopic: g.remoteTopic,
        detectedAt: g.detectedAt.toISOString(),
        sentence: describeGap(gap),
      };
    })
    .map(({ source: _s, ...v }) => v);
}
