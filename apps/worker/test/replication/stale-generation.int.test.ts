import { randomBytes } from 'node:crypto';
import type { TaskJobData } from '@ferry/core';
import { parseSecretKey } from '@ferry/core/secret-box';
import { type Db, postgresFlowStore, StatusWriter, schema } from '@ferry/db';
import { testDb } from '@ferry/db/testing';
import { createFlowRunner, type EngineEvent, type TaskGuardPhase, verifyFlowRange } from '@ferry/engine';
import { waitFor } from '@ferry/testkit';
import { byPartition, counts, createTopic, makeRecords, produce, readTopic } from '@ferry/testkit/records';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createEngineRunner, engineFencer, toEngineFlow } from '../../src/engine-runner.ts';
import { loadFlow } from '../../src/flows/load-flow.ts';
import { expectSameRecords } from '../fixtures/managed.ts';

/**
 * The reconfiguration duplicate (issue #12), forced deterministically with the worker's real task runner,
 * real Postgres and real Kafka: a task of generation g passes its generation check, stalls (a gate in the
 * real start path, where a slow connect or a CPU-starved worker stalls it), and meanwhile the reconciler
 * bumps the flow to g+1 (tasksMax 2 → 3), fences g's transactional ids and starts g+1's tasks. The stalled
 * task then initialises its producer — after the fence, so the fence cannot stop it. Unguarded it copies
 * its old partitions next to the new generation's task for them: records doubled. Guarded, its
 * after-producer check sees g+1 in Postgres and it ends before reading or writing anything.
 */
let db: Db;
const keyring = [parseSecretKey('k1', randomBytes(32).toString('base64'))];
const log = pino({ level: 'silent' });

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'stalegen'));
});
afterAll(async () => {
  await db?.$client.end();
});

async function seed(topic: string, partitions: number) {
  const [team] = await db
    .insert(schema.teams)
    .values({ name: 'T', slug: uniqueName('team') })
    .returning();
  const [a, b] = await db
    .insert(schema.clusters)
    .values([
      { teamId: team!.id, name: 'east', bootstrapServers: testCluster('east').bootstrap },
      { teamId: team!.id, name: 'west', bootstrapServers: testCluster('west').bootstrap },
    ])
    .returning();
  const [f] = await db
    .insert(schema.flows)
    .values({
      teamId: team!.id,
      name: uniqueName('flow'),
      sourceClusterId: a!.id,
      targetClusterId: b!.id,
      enabled: true,
      config: { topics: [topic], tasksMax: 2, exactlyOnce: true },
    })
    .returning();
  const task = (generation: number, taskIndex: number, tasksMax: number): TaskJobData => ({
    flowId: f!.id,
    generation,
    taskIndex,
    tasksMax,
    taskCount: tasksMax,
    topics: { [topic]: partitions },
  });
  return { flowId: f!.id, task };
}

/** What the reconciler does on a tasksMax edit: new options, bump the generation in Postgres, fence g's ids. */
async function reconfigure(flowId: string, tasksMax: number): Promise<void> {
  const [row] = await db.select().from(schema.flows).where(eq(schema.flows.id, flowId));
  await db
    .update(schema.flows)
    .set({ config: { ...(row!.config as Record<string, unknown>), tasksMax } })
    .where(eq(schema.flows.id, flowId));
  const next = await postgresFlowStore(db).bumpGeneration(flowId, row!.generation);
  expect(next).toBe(row!.generation + 1);
  await engineFencer(db, keyring)(
    {
      id: flowId,
      enabled: true,
      generation: row!.generation,
      config: row!.config as Record<string, unknown>,
    },
    row!.generation,
    2,
  );
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

/** The dispatcher's part: run a task until aborted, retrying a failed run (BullMQ does it with back-off). */
function dispatch(runner: ReturnType<typeof createEngineRunner>, task: TaskJobData, signal: AbortSignal) {
  return (async () => {
    while (!signal.aborted) {
      try {
        await runner.run(task, signal);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  })();
}

describe('a stale-generation task that initialises its producer after the fence', () => {
  it('is refused by its after-producer check: nothing doubled, nothing lost (tasksMax 2 → 3)', async () => {
    const topic = uniqueName('stalegen');
    const partitions = 6;
    await createTopic('east', topic, partitions);
    const { flowId, task } = await seed(topic, partitions);
    const first = makeRecords(1200, partitions, 'a');
    await produce('east', topic, first);

    // Generation 0's task 1 passes its checks, then stalls just before it creates its producer.
    const stall = gate();
    const reached = gate();
    const phases: TaskGuardPhase[] = [];
    const statusOld = new StatusWriter(db, 'stale-worker');
    const oldRunner = createEngineRunner({
      db,
      keyring,
      log: log.child({}),
      status: statusOld,
      onPartitionMetrics: () => {},
      atTaskPhase: async (t, phase) => {
        phases.push(phase);
        if (t.generation === 0 && phase === 'before-producer') {
          reached.open();
          await stall.opened;
        }
      },
    });
    const oldAbort = new AbortController();
    const oldRun = oldRunner.run(task(0, 1, 2), oldAbort.signal).then(
      () => 'ended',
      (e: Error) => `failed: ${e.message}`,
    );
    await reached.opened;

    // The reconciler: tasksMax 3, generation 1 in Postgres, generation 0's ids fenced; generation 1 runs.
    await reconfigure(flowId, 3);
    const newRunner = createEngineRunner({
      db,
      keyring,
      log: log.child({}),
      status: new StatusWriter(db, 'new-worker'),
      onPartitionMetrics: () => {},
    });
    const newAbort = new AbortController();
    const news = [0, 1, 2].map((i) => dispatch(newRunner, task(1, i, 3), newAbort.signal));
    await readTopic('west', `east.${topic}`, counts(byPartition(first)), 90_000);

    // The stalled task goes on: it creates and initialises its producer now, after the fence.
    stall.open();
    const within = new Promise<string>((r) => setTimeout(() => r('still running after 20 s'), 20_000));
    expect(await Promise.race([oldRun, within])).toBe('ended'); // ended by itself (superseded), not aborted
    expect(phases).toEqual(['before-producer', 'after-producer']);

    // More load after the stale task's attempt: only generation 1 may copy it.
    const second = makeRecords(1200, partitions, 'b');
    await produce('east', topic, second);
    const all = [...first, ...second];
    const got = await readTopic('west', `east.${topic}`, counts(byPartition(all)), 90_000, 3000);
    newAbort.abort('shutdown');
    oldAbort.abort('shutdown');
    await Promise.all(news);
    expectSameRecords(all, got);
    // ferry verify's engine function agrees over the whole range.
    const flow = await loadFlow(db, flowId, keyring);
    const report = await verifyFlowRange(toEngineFlow(flow), { topics: { [topic]: partitions } });
    expect(report.ok, JSON.stringify(report.partitions)).toBe(true);
    expect(report.totals.records).toBe(all.length);
    // The stale task never claimed its row: generation 1's tasks own the status.
    const rows = await db.select().from(schema.flowTasks).where(eq(schema.flowTasks.flowId, flowId));
    expect(rows.every((r) => r.generation === 1)).toBe(true);
  });

  it('control: the same interleaving without the guard doubles records (the bug the guard closes)', async () => {
    const topic = uniqueName('stalegen-control');
    const partitions = 6;
    await createTopic('east', topic, partitions);
    const { flowId, task } = await seed(topic, partitions);
    const first = makeRecords(1200, partitions, 'a');
    await produce('east', topic, first);
    const flow = await loadFlow(db, flowId, keyring);

    await reconfigure(flowId, 3);
    const newRunner = createEngineRunner({
      db,
      keyring,
      log: log.child({}),
      status: new StatusWriter(db, 'new-worker'),
      onPartitionMetrics: () => {},
    });
    const newAbort = new AbortController();
    const news = [0, 1, 2].map((i) => dispatch(newRunner, task(1, i, 3), newAbort.signal));
    await readTopic('west', `east.${topic}`, counts(byPartition(first)), 90_000);

    // What a generation-0 task did before the fix once it got past its stall: the engine with g0's
    // assignment (tasksMax 2, pinned partitions) and no guard initialises its producer after the fence.
    const started: EngineEvent[] = [];
    const stale = createFlowRunner(
      {
        ...toEngineFlow(flow),
        tasksMax: 2,
        pinnedTopics: { [topic]: partitions },
        refreshTopicsEnabled: false,
      },
      { onEvent: (e) => e.type === 'task-started' && started.push(e), restartFailedTasks: false },
    );
    await stale.runTask(1);
    await waitFor(async () => started.length === 1, { timeoutMs: 30_000, what: 'the stale task started' });

    const second = makeRecords(1200, partitions, 'b');
    await produce('east', topic, second);
    const all = [...first, ...second];
    const want = counts(byPartition(all));
    const got = await readTopic('west', `east.${topic}`, want, 90_000, 3000);
    await stale.stop();
    newAbort.abort('shutdown');
    await Promise.all(news);
    const extra = [...got].reduce((n, [p, rs]) => n + rs.length - (want.get(p) ?? 0), 0);
    expect(extra).toBeGreaterThan(0);
    // ferry verify's engine function finds them: the partitions the stale task shared with another
    // index of the new generation (3 and 5), each at its first doubled record.
    const report = await verifyFlowRange(toEngineFlow(flow), { topics: { [topic]: partitions } });
    expect(report.ok).toBe(false);
    const differing = report.partitions.filter((p) => !p.ok);
    expect(differing.map((p) => p.partition).sort()).toEqual(
      [...got]
        .filter(([p, rs]) => rs.length > (want.get(p) ?? 0))
        .map(([p]) => p)
        .sort(),
    );
    for (const p of differing) {
      expect(p.targetRecords).toBeGreaterThan(p.sourceRecords);
      expect(p.firstDifference?.field).toBe('extra');
    }
  });
});
