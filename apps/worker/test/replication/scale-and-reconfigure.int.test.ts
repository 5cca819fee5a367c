import { schema } from '@ferry/db';
import { assignPartitions } from '@ferry/engine';
import { waitFor } from '@ferry/testkit';
import { byPartition, counts, createTopic, kafka, makeRecords, readTopic } from '@ferry/testkit/records';
import { uniqueName } from '@ferry/testkit/vitest';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createFlow,
  dumpOnFailure,
  expectSameRecords,
  type Managed,
  managedSetup,
  produceOverTime,
  runningTasks,
  tasksRunning,
  workerIdOf,
} from '../fixtures/managed.ts';

/**
 * Scale-out and live reconfiguration with the real engine in real worker processes (east → west): tasks
 * rebalance when workers come and go without stopping the tasks that stay; topic filter, tasksMax and the
 * enable toggle apply without a worker restart. Every check ends record by record.
 */
let m: Managed;

beforeAll(async () => {
  m = await managedSetup(inject('dbRunId'), 'scale', ['w1', 'w2', 'w3']);
});

afterAll(async () => {
  await m?.fleet.stopAll();
  await m?.db.$client.end();
});

/** Each test's flow is switched off at its end, so the next test's workers are not busy with it. */
const disable = (flowId: string) =>
  m.db.update(schema.flows).set({ enabled: false }).where(eq(schema.flows.id, flowId));

afterEach((ctx) => dumpOnFailure(m, ctx.task.result?.state));

/** Jobs of a flow whose last word in the workers' logs is 'task-started' (the dispatcher runs them now). */
function runningJobs(flowId: string): string[] {
  const last = new Map<string, string>();
  for (const { line } of m.fleet.lines)
    if (
      String(line.job ?? '').includes(flowId) &&
      (line.msg === 'task-started' ||
        line.msg === 'task-stopped' ||
        line.msg === 'task failed; it will be retried')
    )
      last.set(String(line.job), String(line.msg));
  return [...last].filter(([, msg]) => msg === 'task-started').map(([job]) => job);
}

const flowJobs = (flowId: string, msg: string) =>
  m.fleet.logged(msg).filter((l) => String(l.line.job).includes(flowId));

/** Sum of a topic's end offsets on a cluster. */
async function endOffsets(cluster: string, topic: string): Promise<number> {
  const admin = kafka(cluster).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, o) => n + Number(o.high), 0);
  } catch {
    return 0; // not created yet
  } finally {
    await admin.disconnect();
  }
}

/** Samples the remote topic's end offsets while `during` runs: per partition, did it advance, and the longest stall. */
async function watchEndOffsets(topic: string, during: Promise<unknown>) {
  const admin = kafka('west').admin();
  await admin.connect();
  const last = new Map<number, { offset: string; at: number }>();
  const advanced = new Set<number>();
  const stall = new Map<number, number>();
  let done = false;
  void during.finally(() => (done = true));
  const t0 = Date.now();
  while (!done) {
    const now = Date.now();
    for (const o of await admin.fetchTopicOffsets(topic)) {
      const prev = last.get(o.partition);
      if (!prev || prev.offset !== o.high) {
        if (prev) advanced.add(o.partition);
        last.set(o.partition, { offset: o.high, at: now });
      } else stall.set(o.partition, Math.max(stall.get(o.partition) ?? 0, now - prev.at));
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await admin.disconnect();
  return { advanced, stall, windowMs: Date.now() - t0 };
}

describe('scale-out and reconfiguration with the real engine', () => {
  it('rebalances onto a new worker and off two drained ones; tasks that stay never stop; nothing lost', async () => {
    const topic = uniqueName('scale');
    const partitions = 12;
    await createTopic('east', topic, partitions);
    const flowId = await createFlow(m, { topics: [topic], tasksMax: 6 });
    await waitFor(() => tasksRunning(m.db, flowId, 6), { timeoutMs: 90_000, what: 'six tasks running' });
    const ids = Object.fromEntries(
      await Promise.all(['w1', 'w2', 'w3'].map(async (n) => [n, await workerIdOf(m.db, m.fleet.pid(n))])),
    );
    const before = new Map((await runningTasks(m.db, flowId)).map((r) => [r.taskIndex, r.workerId]));
    expect(new Set(before.values()).size).toBe(3);

    const records = makeRecords(12_000, partitions, 'scale');
    const load = produceOverTime(topic, records, 40, 300);
    const changes = (async () => {
      // Change the fleet once replication is flowing (records on the target), in the middle of the load.
      await waitFor(async () => (await endOffsets('west', `east.${topic}`)) > 0, {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'records arriving on the target',
      });
      const spawnAt = Date.now();
      await m.fleet.start('w4');
      const addAt = Date.now(); // listening: from here on it is the rebalance, not Node starting up
      const w4 = await workerIdOf(m.db, m.fleet.pid('w4'));
      await waitFor(async () => (await runningTasks(m.db, flowId)).some((r) => r.workerId === w4), {
        timeoutMs: 60_000,
        intervalMs: 100,
        what: 'a task running on the new worker',
      });
      const addMs = Date.now() - addAt;
      const removeAt = Date.now();
      await Promise.all([m.fleet.stop('w1'), m.fleet.stop('w2')]);
      await waitFor(
        async () => {
          const rows = await runningTasks(m.db, flowId);
          const live = rows.filter((r) => r.workerId !== ids.w1 && r.workerId !== ids.w2);
          return live.length === 6;
        },
        { timeoutMs: 60_000, intervalMs: 100, what: 'all six tasks on the two remaining workers' },
      );
      return { addMs, startupMs: addAt - spawnAt, removeMs: Date.now() - removeAt };
    })();
    const watch = watchEndOffsets(`east.${topic}`, Promise.all([load, changes]));
    const { addMs, startupMs, removeMs } = await changes;
    await load;
    const { advanced, stall } = await watch;

    // Tasks that stayed where they were: started once, never stopped.
    const started = flowJobs(flowId, 'task-started');
    const stopped = flowJobs(flowId, 'task-stopped');
    const startsPerJob = new Map<string, number>();
    for (const s of started)
      startsPerJob.set(String(s.line.job), (startsPerJob.get(String(s.line.job)) ?? 0) + 1);
    const stayed = [...startsPerJob].filter(
      ([job, n]) => n === 1 && !stopped.some((s) => s.line.job === job),
    );
    expect(stayed.length).toBeGreaterThan(0);
    const assignment = assignPartitions(
      Array.from({ length: partitions }, (_, p) => ({ topic, partition: p })),
      6,
    );
    const stayedPartitions = stayed.flatMap(([job]) =>
      assignment[Number(/\.t(\d+)$/.exec(job)![1])]!.map((tp) => tp.partition),
    );
    // Their partitions kept advancing on the target while the other tasks moved.
    for (const p of stayedPartitions) expect(advanced.has(p), `partition ${p} advanced`).toBe(true);
    const stayedStall = Math.max(...stayedPartitions.map((p) => stall.get(p) ?? 0));
    const movedStall = Math.max(
      0,
      ...[...stall].filter(([p]) => !stayedPartitions.includes(p)).map(([, ms]) => ms),
    );
    console.log(
      `rebalance: new worker (process up in ${startupMs} ms) running a task ${addMs} ms after it was up; two workers drained and their tasks running elsewhere in ${removeMs} ms; ` +
        `${stayed.length} of 6 tasks never stopped (longest pause on their partitions ${stayedStall} ms, on moved partitions ${movedStall} ms)`,
    );

    const got = await readTopic('west', `east.${topic}`, counts(byPartition(records)), 120_000, 1500);
    expectSameRecords(records, got);
    await disable(flowId);
  });

  it('applies a topic filter edit, a tasksMax change and the toggle without a restart; nothing lost or doubled', async () => {
    const a = uniqueName('cfga');
    const b = uniqueName('cfgb');
    await createTopic('east', a, 6);
    await createTopic('east', b, 3);
    const flowId = await createFlow(m, { topics: [a], tasksMax: 2 });
    await waitFor(() => tasksRunning(m.db, flowId, 2), { timeoutMs: 90_000, what: 'two tasks running' });
    const generation = async () =>
      (await m.db.select().from(schema.flows).where(eq(schema.flows.id, flowId)))[0]!.generation;
    const setConfig = (config: Record<string, unknown>) =>
      m.db
        .update(schema.flows)
        .set({ config: { exactlyOnce: true, checkpointsIntervalSeconds: 1, ...config } })
        .where(eq(schema.flows.id, flowId));
    const timings: string[] = [];
    const recordsA = makeRecords(6000, 6, 'cfga');
    const recordsB = makeRecords(1500, 3, 'cfgb');
    const load = Promise.all([produceOverTime(a, recordsA, 30, 300), produceOverTime(b, recordsB, 10, 300)]);
    let loadDone = false;
    void load.finally(() => (loadDone = true));

    // 1. topic filter: b joins (discovery, a new generation, the old one fenced)
    let g = await generation();
    let at = Date.now();
    await setConfig({ topics: [a, b], tasksMax: 2 });
    await waitFor(() => tasksRunning(m.db, flowId, 2, { generation: g + 1 }), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the new generation running after the filter edit',
    });
    timings.push(`filter edit ${Date.now() - at} ms`);

    // 2. tasksMax 2 → 3
    g = await generation();
    at = Date.now();
    await setConfig({ topics: [a, b], tasksMax: 3 });
    await waitFor(() => tasksRunning(m.db, flowId, 3, { generation: g + 1 }), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'three tasks of the new generation running',
    });
    timings.push(`tasksMax 2→3 ${Date.now() - at} ms`);

    // 3. off, then on again
    at = Date.now();
    await m.db.update(schema.flows).set({ enabled: false }).where(eq(schema.flows.id, flowId));
    await waitFor(() => runningJobs(flowId).length === 0, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'every task stopped after disable',
    });
    timings.push(`disable ${Date.now() - at} ms`);
    // Records keep arriving on the source while the flow is off: wait until some have (or the load ended).
    const whileOff = await endOffsets('east', a);
    await waitFor(async () => loadDone || (await endOffsets('east', a)) >= whileOff + 200, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'records produced while the flow is off',
    });
    at = Date.now();
    await m.db.update(schema.flows).set({ enabled: true }).where(eq(schema.flows.id, flowId));
    await waitFor(() => tasksRunning(m.db, flowId, 3), {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'tasks running again after enable',
    });
    timings.push(`enable ${Date.now() - at} ms`);
    console.log(`reconfiguration with the real engine (until the new tasks run): ${timings.join(', ')}`);

    await load;
    expectSameRecords(
      recordsA,
      await readTopic('west', `east.${a}`, counts(byPartition(recordsA)), 120_000, 1500),
    );
    expectSameRecords(
      recordsB,
      await readTopic('west', `east.${b}`, counts(byPartition(recordsB)), 120_000, 1500),
    );
  });

  it('starts a new generation when a source topic gains partitions, and replicates them', async () => {
    const topic = uniqueName('grow');
    await createTopic('east', topic, 2);
    const flowId = await createFlow(m, { topics: [topic], tasksMax: 4 });
    await waitFor(() => tasksRunning(m.db, flowId, 2), { timeoutMs: 90_000, what: 'two tasks running' });
    const before = makeRecords(400, 2, 'g1');
    await produceOverTime(topic, before, 2, 100);
    const admin = kafka('east').admin();
    await admin.connect();
    await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
    await admin.disconnect();
    await waitFor(async () => (await runningTasks(m.db, flowId)).length >= 4, {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'four tasks after the partitions were added',
    });
    const after = makeRecords(800, 4, 'g2');
    await produceOverTime(topic, after, 4, 100);
    const all = [...before, ...after];
    expectSameRecords(all, await readTopic('west', `east.${topic}`, counts(byPartition(all)), 120_000, 1500));
    const [topo] = await m.db
      .select()
      .from(schema.flowTopology)
      .where(eq(schema.flowTopology.flowId, flowId));
    expect(topo!.partitions[topic]).toBe(4); // (east's `heartbeats` topic, when it has one, replicates too)
  });

  it('says in words why a flow cannot start (a replication factor larger than the target has brokers)', async () => {
    const topic = uniqueName('rf');
    await createTopic('east', topic, 1);
    const flowId = await createFlow(m, { topics: [topic], replicationFactor: 3 });
    let row: typeof schema.flows.$inferSelect | undefined;
    await waitFor(
      async () => {
        [row] = await m.db.select().from(schema.flows).where(eq(schema.flows.id, flowId));
        return row?.status === 'failed' && row.lastError !== null;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'the flow failed with a reason' },
    );
    expect(row!.lastError).toBe(
      "The target cluster west rejected topic creation: replication factor 3 is larger than its 1 broker. Lower the flow's replication factor to at most the number of brokers.",
    );
    const [topo] = await m.db
      .select()
      .from(schema.flowTopology)
      .where(eq(schema.flowTopology.flowId, flowId));
    expect(topo).toBeUndefined(); // nothing was discovered, so no task started
    await disable(flowId);
  });
});
