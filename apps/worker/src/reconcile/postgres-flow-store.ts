import { type Db, schema } from '@ferry/db';
import { and, eq, sql } from 'drizzle-orm';
import type { FlowRow } from './plan.ts';
import type { FlowStore } from './reconciler.ts';

/** The reconciler's view of desired state: the flows table. */
export function postgresFlowStore(db: Db): FlowStore {
  const { flows } = schema;
  return {
    async listFlows(): Promise<FlowRow[]> {
      return db
        .select({ id: flows.id, enabled: flows.enabled, generation: flows.generation, config: flows.config })
        .from(flows);
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
