import { flowState, type TaskState } from '@ferry/core';
import { and, eq, gte, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import * as schema from '../schema/index.ts';

/** Writes per-task state and the flow's state in words (flows.status / last_error) for the dashboard. */
export class StatusWriter {
  readonly db: Db;
  readonly workerId: string;

  constructor(db: Db, workerId: string) {
    this.db = db;
    this.workerId = workerId;
  }

  async task(
    t: { flowId: string; taskIndex: number; generation: number; tasksMax: number; taskCount?: number },
    state: TaskState,
    error?: string,
    partitions?: number,
  ): Promise<void> {
    const ft = schema.flowTasks;
    const now = new Date();
    await this.db
      .insert(ft)
      .values({
        flowId: t.flowId,
        taskIndex: t.taskIndex,
        generation: t.generation,
        workerId: this.workerId,
        state,
        lastError: error ?? null,
        updatedAt: now,
        ...(partitions !== undefined ? { partitions } : {}),
      })
      .onConflictDoUpdate({
        target: [ft.flowId, ft.taskIndex],
        set: {
          generation: t.generation,
          workerId: this.workerId,
          state,
          // A retry starting again keeps the error of the attempt before (same generation) until it runs:
          // a task that keeps failing to start says why all along, not only between two attempts.
          lastError:
            error ??
            (state === 'starting'
              ? sql`case when ${ft.generation} = ${t.generation} and ${ft.state} = 'failed' then ${ft.lastError} else null end`
              : null),
          updatedAt: now,
          ...(partitions !== undefined ? { partitions } : {}),
        },
        // Never let a stale generation overwrite a newer one's state.
        setWhere: sql`${ft.generation} <= ${t.generation}`,
      });
    await this.refreshFlow(t.flowId, t.generation, t.taskCount ?? t.tasksMax, error);
  }

  /** `tasksMax`: how many tasks the generation has. */
  async refreshFlow(flowId: string, generation: number, tasksMax: number, error?: string): Promise<void> {
    const ft = schema.flowTasks;
    // Tasks beyond the count belong to an older assignment; a stale generation never deletes a newer one's.
    await this.db
      .delete(ft)
      .where(and(eq(ft.flowId, flowId), gte(ft.taskIndex, tasksMax), lte(ft.generation, generation)));
    const tasks = await this.db
      .select({ state: ft.state })
      .from(ft)
      .where(and(eq(ft.flowId, flowId), eq(ft.generation, generation), lt(ft.taskIndex, tasksMax)));
    const [flow] = await this.db
      .select({ enabled: schema.flows.enabled })
      .from(schema.flows)
      .where(eq(schema.flows.id, flowId));
    if (!flow) return;
    const state = flowState(flow.enabled, tasksMax, tasks as Array<{ state: TaskState }>);
    await this.db
      .update(schema.flows)
      .set({
        status: state,
        statusUpdatedAt: new Date(),
        ...(error !== undefined ? { lastError: error } : state === 'running' ? { lastError: null } : {}),
      })
      .where(eq(schema.flows.id, flowId));
  }

  /** A flow-level problem (discovery failed): the sentence, and the state unless tasks already say worse. */
  async flowProblem(flowId: string, sentence: string): Promise<void> {
    const f = schema.flows;
    await this.db
      .update(f)
      .set({
        lastError: sentence,
        status: sql`case when ${f.status} = 'running' then 'degraded' when ${f.enabled} then 'failed' else ${f.status} end`,
        statusUpdatedAt: new Date(),
      })
      .where(eq(f.id, flowId));
  }
}
