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
