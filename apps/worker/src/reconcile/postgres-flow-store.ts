import { type Db, schema } from '@ferry/db';
import { and, eq, sql } from 'drizzle-orm';
import type { FlowRow } from './plan.ts';
import type { FlowStore } from './reconciler.ts';

/** The reconciler's view of desired state (the flows table) with what discovery found (flow_topology). */
export function postgresFlowStore(db: Db): FlowStore {
  const { flows, flowTopology } = schema;
  return {
    async listFlows(): Promise<FlowRow[]> {
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
      // silent for a while (a stopping task reports within seconds), say it stopped.
      await db.execute(sql`
        update flow_tasks set state = 'stopped', updated_at = now()
        from flows
        where flows.id = flow_tasks.flow_id and not flows.enabled and flow_tasks.state <> 'stopped'
          and flow_tasks.updated_at < now() - interval '15 seconds'`);
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
