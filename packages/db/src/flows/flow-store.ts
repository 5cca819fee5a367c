import type { TopicPartitionCounts } from '@ferry/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import * as schema from '../schema/index.ts';

/** A flow as the reconciler plans it: options, generation and what discovery last found (flow_topology). */
export interface StoredFlowRow {
  id: string;
  enabled: boolean;
  generation: number;
  config: Record<string, unknown>;
  topology: { discoveredFor: string; partitions: TopicPartitionCounts } | null;
}

/** The reconciler's store (the worker's FlowStore): desired state in flows, discovery's in flow_topology. */
export function postgresFlowStore(db: Db): {
  listFlows(): Promise<StoredFlowRow[]>;
  settleDisabledFlows(): Promise<void>;
  bumpGeneration(flowId: string, expected: number): Promise<number | null>;
} {
  const { flows, flowTopology } = schema;
  return {
    async listFlows(): Promise<StoredFlowRow[]> {
      const rows = await db
        .select({
          id: flows.id,
          enabled: flows.enabled,
          generation: flows.generation,
          config: flows.config,
          discoveredFor: flowTopology.discoveredFor,
          partitions: flowTopology.partitions,
        })
        .from(flows)
        .leftJoin(flowTopology, eq(flowTopology.flowId, flows.id));
      return rows.map(({ discoveredFor, partitions, ...f }) => ({
        ...f,
        topology: discoveredFor && partitions ? { discoveredFor, partitions } : null,
      }));
    },
    async settleDisabledFlows(): Promise<void> {
      // A task stopped by a rebalance just as its flow was disabled never reports again: once it has been
      // silent for a while since the flow was disabled (a stopping task reports within seconds), say it
      // stopped. Measured from the disable too, not only from the task's last report: a task that has run
      // for minutes reports nothing new, and calling it stopped the moment the flow is disabled would say so
      // while it still replicates for the second or two it takes to notice and finish its transaction.
      await db.execute(sql`
        update flow_tasks set state = 'stopped', updated_at = now()
        from flows
        where flows.id = flow_tasks.flow_id and not flows.enabled and flow_tasks.state <> 'stopped'
          and flow_tasks.updated_at < now() - interval '15 seconds'
          and flows.updated_at < now() - interval '15 seconds'`);
      await db.execute(sql`
        update flows set status = 'disabled', status_updated_at = now()
        where not enabled and status is distinct from 'disabled'`);
    },
    async bumpGeneration(flowId: string, expected: number): Promise<number | null> {
      const rows = await db
        .update(flows)
        .set({ generation: sql`${flows.generation} + 1` })
        .where(and(eq(flows.id, flowId), eq(flows.generation, expected)))
        .returning({ generation: flows.generation });
      return rows[0]?.generation ?? null;
    },
  };
}

/** Records a discovery result; returns true when the partitions or options differ from the stored ones. */
export async function saveTopology(
  db: Db,
  flowId: string,
  t: { discoveredFor: string; partitions: Record<string, number>; groups: string[] },
): Promise<boolean> {
  const { flowTopology } = schema;
  const [before] = await db.select().from(flowTopology).where(eq(flowTopology.flowId, flowId));
  const values = { ...t, discoveredAt: new Date(), lastError: null };
  await db
    .insert(flowTopology)
    .values({ flowId, ...values })
    .onConflictDoUpdate({ target: flowTopology.flowId, set: values });
  return (
    !before ||
    before.discoveredFor !== t.discoveredFor ||
    JSON.stringify(sortKeys(before.partitions)) !== JSON.stringify(sortKeys(t.partitions))
  );
}

/** Records why discovery failed (kept beside the last good result). */
export async function saveDiscoveryError(db: Db, flowId: string, sentence: string): Promise<void> {
  const { flowTopology } = schema;
  await db.update(flowTopology).set({ lastError: sentence }).where(eq(flowTopology.flowId, flowId));
}

const sortKeys = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));

/** A flow row and its two cluster rows (undefined when the flow is gone). */
export async function getFlowWithClusters(
  db: Db,
  flowId: string,
): Promise<
  | {
      flow: typeof schema.flows.$inferSelect;
      clusters: Map<string, typeof schema.clusters.$inferSelect>;
    }
  | undefined
> {
  const [flow] = await db.select().from(schema.flows).where(eq(schema.flows.id, flowId));
  if (!flow) return undefined;
  const clusters = await db
    .select()
    .from(schema.clusters)
    .where(inArray(schema.clusters.id, [flow.sourceClusterId, flow.targetClusterId]));
  return { flow, clusters: new Map(clusters.map((c) => [c.id, c])) };
}

/** A flow's current generation and whether it is enabled (undefined when it was deleted). */
export async function getFlowGeneration(
  db: Db,
  flowId: string,
): Promise<{ generation: number; enabled: boolean } | undefined> {
  const [row] = await db
    .select({ generation: schema.flows.generation, enabled: schema.flows.enabled })
    .from(schema.flows)
    .where(eq(schema.flows.id, flowId));
  return row;
}

/** How many task rows a flow has ever had (max task index + 1), for fencing every id that may exist. */
export async function flowTaskRowCount(db: Db, flowId: string): Promise<number> {
  const [rows] = await db
    .select({ n: sql<number>`coalesce(max(${schema.flowTasks.taskIndex}) + 1, 0)::int` })
    .from(schema.flowTasks)
    .where(eq(schema.flowTasks.flowId, flowId));
  return rows?.n ?? 0;
}

/** What discovery last found for a flow: its partitions per topic (undefined before the first discovery). */
export async function getFlowPartitions(db: Db, flowId: string): Promise<TopicPartitionCounts | undefined> {
  const [topology] = await db
    .select({ partitions: schema.flowTopology.partitions })
    .from(schema.flowTopology)
    .where(eq(schema.flowTopology.flowId, flowId));
  return topology?.partitions;
}
