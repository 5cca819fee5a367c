import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postgresFlowStore } from '../../src/flows/flow-store.ts';
import { type Db, schema } from '../../src/index.ts';
import { seedFlow, testDb } from '../../src/testing.ts';

/**
 * settleDisabledFlows, in real Postgres: a disabled flow's task that stays silent is called stopped, but only
 * once both the task's last report and the disable are 15 s old. A task that had run quietly for minutes was
 * marked stopped the moment its flow was disabled, while it still replicated (e2e observability: one burst
 * written right after "every task stopped" was replicated).
 */
let db: Db;
beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'settle_disabled'));
});
afterAll(() => db?.$client.end());

const ago = (s: number) => new Date(Date.now() - s * 1000);

async function taskState(disabledSecondsAgo: number, reportedSecondsAgo: number, enabled = false) {
  const { flowId } = await seedFlow(db, { enabled, updatedAt: ago(disabledSecondsAgo) });
  await db.insert(schema.flowTasks).values({
    flowId,
    taskIndex: 0,
    generation: 1,
    state: 'running',
    updatedAt: ago(reportedSecondsAgo),
  });
  await postgresFlowStore(db).settleDisabledFlows();
  const [row] = await db
    .select({ state: schema.flowTasks.state })
    .from(schema.flowTasks)
    .where(eq(schema.flowTasks.flowId, flowId));
  const [flow] = await db
    .select({ status: schema.flows.status })
    .from(schema.flows)
    .where(eq(schema.flows.id, flowId));
  return { task: row!.state, flow: flow!.status };
}

describe('settleDisabledFlows', () => {
  it.each([
    ['disabled just now, task quiet for minutes: still running (it is stopping)', 1, 300, false, 'running'],
    ['disabled 20 s ago, task last reported just now: still running', 20, 2, false, 'running'],
    ['disabled 20 s ago, task quiet for minutes: stopped', 20, 300, false, 'stopped'],
    ['enabled, task quiet for minutes: untouched', 300, 300, true, 'running'],
  ])('%s', async (_name, disabledAgo, reportedAgo, enabled, want) => {
    expect((await taskState(disabledAgo, reportedAgo, enabled)).task).toBe(want);
  });

  it('marks the disabled flow itself disabled at once', async () => {
    expect((await taskState(1, 300)).flow).toBe('disabled');
  });
});
