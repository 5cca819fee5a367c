import { type Db, StatusWriter, schema, WorkerRegistry, workerIdentity } from '@ferry/db';
import { seedFlow, testDb } from '@ferry/db/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

let db: Db;
let flowId = '';
beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'status'));
  ({ flowId } = await seedFlow(db, { enabled: true }));
});
afterAll(() => db?.$client.end());

const flowRow = async () => (await db.select().from(schema.flows).where(eq(schema.flows.id, flowId)))[0]!;

describe('StatusWriter', () => {
  it('derives the flow state in words from its tasks and keeps the last error', async () => {
    const s = new StatusWriter(db, 'w1');
    const task = (i: number, generation = 0) => ({ flowId, taskIndex: i, generation, tasksMax: 2 });
    await s.task(task(0), 'running');
    expect(await flowRow()).toMatchObject({ status: 'starting' });
    await s.task(task(1), 'running');
    expect(await flowRow()).toMatchObject({ status: 'running', lastError: null });
    await s.task(task(1), 'failed', 'target cluster west rejected topic creation: too many replicas.');
    expect(await flowRow()).toMatchObject({
      status: 'degraded',
      lastError: 'target cluster west rejected topic creation: too many replicas.',
    });
    // A retry of the failed task starting again keeps its error until it runs.
    await s.task(task(1), 'starting');
    expect(
      (await db.select().from(schema.flowTasks).where(eq(schema.flowTasks.flowId, flowId))).find(
        (r) => r.taskIndex === 1,
      ),
    ).toMatchObject({
      state: 'starting',
      lastError: 'target cluster west rejected topic creation: too many replicas.',
    });
    expect(await flowRow()).toMatchObject({
      lastError: 'target cluster west rejected topic creation: too many replicas.',
    });
    await s.task(task(1), 'running');
    expect(await flowRow()).toMatchObject({ status: 'running', lastError: null });
    // A stale generation cannot overwrite the newer one.
    await s.task(task(0, 1), 'running');
    await s.task(task(0, 0), 'failed', 'stale');
    const rows = await db.select().from(schema.flowTasks).where(eq(schema.flowTasks.flowId, flowId));
    expect(rows.find((r) => r.taskIndex === 0)).toMatchObject({ generation: 1, state: 'running' });
    // A task of the old generation (two tasks) stopping late never deletes the new generation's third task.
    await s.task({ flowId, taskIndex: 2, generation: 1, tasksMax: 4, taskCount: 3 }, 'running');
    await s.task({ flowId, taskIndex: 1, generation: 0, tasksMax: 2 }, 'stopped');
    const after = await db.select().from(schema.flowTasks).where(eq(schema.flowTasks.flowId, flowId));
    expect(after.find((r) => r.taskIndex === 2)).toMatchObject({ generation: 1, state: 'running' });
  });
});

describe('WorkerRegistry', () => {
  it('records workers with their tasks and marks silent ones dead', async () => {
    const a = new WorkerRegistry(db, workerIdentity('0.1.0'));
    const b = new WorkerRegistry(db, { ...workerIdentity('0.1.0'), id: 'other' });
    const now = Date.now();
    await a.heartbeat(['flow.x.g0.t0'], 'running', new Date(now));
    await b.heartbeat(['flow.x.g0.t1'], 'running', new Date(now - 20_000));
    expect(await WorkerRegistry.markDead(db, 10_000, now)).toEqual(['other']);
    const rows = await db.select().from(schema.workers);
    expect(rows.find((r) => r.id === a.me.id)).toMatchObject({
      state: 'running',
      tasks: ['flow.x.g0.t0'],
      pid: process.pid,
    });
    expect(rows.find((r) => r.id === 'other')).toMatchObject({ state: 'dead', tasks: [] });
    await a.leave();
    expect((await db.select().from(schema.workers).where(eq(schema.workers.id, a.me.id)))[0]).toMatchObject({
      state: 'stopped',
    });
  });
});
