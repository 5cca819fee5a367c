import { type FlowConfig, previewTopics, validateFlow } from '@ferry/core';
import { type FlowRow, getClusterOrThrow, schema, type TeamContext } from '@ferry/db';
import {
  explainKafkaError,
  listTopicNames,
  openClusterSecrets,
  storedClusterConfig,
} from '@ferry/engine/connection-test';
import { eq } from 'drizzle-orm';

/** Validates a would-be flow and lists the source topics it would replicate with their remote names. */
export async function previewFlow(
  ctx: TeamContext,
  input: { sourceClusterId: string; targetClusterId: string; config: FlowConfig; flowId?: string },
) {
  const source = await getClusterOrThrow(ctx, input.sourceClusterId).catch(() => null);
  const target = await getClusterOrThrow(ctx, input.targetClusterId).catch(() => null);
  const issues: { path: string; message: string; severity: 'error' | 'warning' }[] = [];
  if (!source)
    issues.push({ path: 'sourceClusterId', message: 'no such cluster in this team', severity: 'error' });
  if (!target)
    issues.push({ path: 'targetClusterId', message: 'no such cluster in this team', severity: 'error' });
  if (!source || !target) return { topics: [], sourceTopicCount: 0, issues, problem: null };
  const others = (await ctx.db
    .select()
    .from(schema.flows)
    .where(eq(schema.flows.teamId, ctx.teamId))) as FlowRow[];
  issues.push(
    ...validateFlow(
      {
        id: input.flowId,
        name: '(this flow)',
        sourceClusterId: source.id,
        targetClusterId: target.id,
        config: input.config,
      },
      others.map((o) => ({ ...o, config: o.config as FlowConfig })),
    ),
  );
  try {
    const topics = await listTopicNames(storedClusterConfig(source, openClusterSecrets(source, ctx.keyring)));
    return {
      topics: previewTopics(topics, input.config, source.name, target.name),
      sourceTopicCount: topics.length,
      issues,
      problem: null,
    };
  } catch (e) {
    return {
      topics: [],
      sourceTopicCount: 0,
      issues,
      problem: `Could not list topics on ${source.name}: ${explainKafkaError(e)}`,
    };
  }
}
