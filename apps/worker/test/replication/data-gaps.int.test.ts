import { listGaps, schema } from '@ferry/db';
import { waitFor } from '@ferry/testkit';
import { createTopic, kafka, makeRecords, produce, readTopic } from '@ferry/testkit/records';
import { uniqueName } from '@ferry/testkit/vitest';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createFlow, dumpOnFailure, type Managed, managedSetup, runningTasks } from '../fixtures/managed.ts';

/*
 * A managed flow meets a gap (records deleted on the source while it was disabled): the worker stores it in
 * flow_gaps once, with its sentence, and counts it on /metrics (ferry_data_gap_records_total); with the gap
 * policy halt the task reports the halted partition (DATA_GAP) in its state.
 */
let m: Managed;

beforeAll(async () => {
  m = await managedSetup(inject('dbRunId'), 'gaps', ['w1']);
});

afterAll(async () => {
  await m?.fleet.stopAll();
  await m?.db.$client.end();
});

afterEach((ctx) => dumpOnFailure(m, ctx.task.result?.state));

const setEnabled = (flowId: string, enabled: boolean) =>
  m.db.update(schema.flows).set({ enabled }).where(eq(schema.flows.id, flowId));

async function deleteRecordsBefore(topic: string, offset: number): Promise<void> {
  const admin = kafka('east').admin();
  await admin.connect();
  try {
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: String(offset) }] });
  } finally {
    await admin.disconnect();
  }
}

async function metricsText(): Promise<string> {
  const port = m.fleet.procs.get('w1')!.port;
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

/** Replicates 50 records, disables the flow, adds 50 and deletes the first 25 of them, enables it again. */
async function gapWhileDisabled(gapPolicy: 'continue' | 'halt') {
  const topic = uniqueName('wgap');
  await createTopic('east', topic, 1);
  const first = makeRecords(50, 1, 'a');
  await produce('east', topic, first);
  const flowId = await createFlow(m, { topics: [topic], tasksMax: 1, gapPolicy });
  await readTopic('west', `east.${topic}`, new Map([[0, 50]]), 90_000);
  await setEnabled(flowId, false);
  await waitFor(
    async () => {
      const [f] = await m.db.select().from(schema.flows).where(eq(schema.flows.id, flowId));
      return f?.status === 'disabled' && (await runningTasks(m.db, flowId)).length === 0;
    },
    { timeoutMs: 60_000, what: 'the workers to stop the disabled flow' },
  );
  const unreplicated = makeRecords(50, 1, 'b'); // 50..99
  await produce('east', topic, unreplicated);
  await deleteRecordsBefore(topic, 75); // 50..74 are never replicated
  await setEnabled(flowId, true);
  const [flow] = await m.db.select().from(schema.flows).where(eq(schema.flows.id, flowId));
  const ctx = { db: m.db, teamId: m.teamId };
  await waitFor(async () => (await listGaps(ctx, flowId, 'east')).length > 0, {
    timeoutMs: 90_000,
    what: 'the gap to be stored',
  });
  return { topic, flowId, flow: flow!, first, unreplicated, ctx };
}

describe('data gaps of a managed flow', () => {
  it('continue: stored once with its sentence, counted on /metrics, replication continues after the gap', async () => {
    const { topic, flowId, flow, first, unreplicated, ctx } = await gapWhileDisabled('continue');
    const gaps = await listGaps(ctx, flowId, 'east');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({
      topic,
      partition: 0,
      remoteTopic: `east.${topic}`,
      from: '50',
      to: '75',
      records: '25',
      reason: 'deleted',
      policy: 'continue',
      resumeAt: '75',
    });
    expect(gaps[0]!.sentence).toBe(
      `east.${topic}[0]: 25 records (offsets 50–74) were deleted on east (retention or DeleteRecords) before they were replicated; replication continued at offset 75`,
    );
    const target = await readTopic('west', `east.${topic}`, new Map([[0, 75]]), 90_000, 1500);
    expect(target.get(0)).toEqual([...first, ...unreplicated.slice(25)]);
    const text = await metricsText();
    expect(text).toContain(
      `ferry_data_gap_records_total{flow="${flow.name}",source="east",target="west",topic="${topic}",partition="0"} 25`,
    );
    await setEnabled(flowId, false);
  });

  it('halt: the gap is stored with policy halt, the task reports DATA_GAP and nothing after the gap is copied', async () => {
    const { topic, flowId, first, ctx } = await gapWhileDisabled('halt');
    expect((await listGaps(ctx, flowId, 'east'))[0]).toMatchObject({ from: '50', to: '75', policy: 'halt' });
    await waitFor(
      async () => {
        const rows = await m.db
          .select()
          .from(schema.flowTasks)
          .where(and(eq(schema.flowTasks.flowId, flowId), eq(schema.flowTasks.state, 'failed')));
        return rows.some((r) => r.lastError?.includes('gap policy halt'));
      },
      { timeoutMs: 60_000, what: 'the task to report the halted partition' },
    );
    const target = await readTopic('west', `east.${topic}`, new Map([[0, 50]]), 60_000, 2000);
    expect(target.get(0)).toEqual(first);
    await setEnabled(flowId, false);
  });
});
