import { VERIFICATION_QUEUE, type VerificationJobData } from '@ferry/core';
import { createVerification, type Db, getVerificationOrThrow, schema } from '@ferry/db';
import { seedFlow, testDb } from '@ferry/db/testing';
import { createFlowRunner, type FlowRunner, positionsGroup } from '@ferry/engine';
import { waitFor } from '@ferry/testkit';
import { createTopic, kafka, makeRecords, produce } from '@ferry/testkit/records';
import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { Queue, QueueEvents, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { toEngineFlow } from '../../src/engine-runner.ts';
import { loadFlow } from '../../src/flows/load-flow.ts';
import { startProcessor } from '../../src/processors/processor.ts';
import { verificationProcessor } from '../../src/processors/verification.ts';

/**
 * The verification queue end to end: real Redis (a prefix of its own), real Postgres (a cloned database), the
 * test stack's east and west. A flow stored in Postgres is replicated by the engine exactly as a worker task
 * would (the flow id in its positions group and transactional ids), then verified through BullMQ.
 */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniqueName('test-verify');
const connections: Redis[] = [];
const connection = () => {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: null });
  connections.push(r);
  return r;
};

let db: Db;
let worker: Worker;
let queue: Queue;
let events: QueueEvents;
let runner: FlowRunner | undefined;
const topic = uniqueName('wverify');
const ids = { team: '', flow: '', otherTeam: '', downFlow: '', downTeam: '' };

const ctx = (teamId: string) => ({
  db,
  teamId,
  actor: { type: 'user' as const, id: null, name: 'operator@example.test', ip: null },
});

async function verify(teamId: string, flowId: string, recordsPerPartition = 1000) {
  const { view } = await createVerification(ctx(teamId), flowId, { recordsPerPartition });
  const data: VerificationJobData = { flowId, teamId, verificationId: view.id, recordsPerPartition };
  const job = await queue.add('verify', data, { removeOnComplete: true, removeOnFail: true });
  const result = await job.waitUntilFinished(events, 120_000);
  return { result, run: await getVerificationOrThrow(ctx(teamId), flowId, view.id) };
}

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'verification'));
  const seeded = await seedFlow(
    db,
    { config: { topics: [topic] } },
    { source: testCluster('east').bootstrap, target: testCluster('west').bootstrap },
  );
  ids.team = seeded.teamId;
  ids.flow = seeded.flowId;
  ids.otherTeam = (await seedFlow(db)).teamId;
  const down = await seedFlow(db, { config: { topics: [topic] } });
  ids.downFlow = down.flowId;
  ids.downTeam = down.teamId;

  await createTopic('east', topic, 3);
  await produce('east', topic, makeRecords(300, 3, 'w'));
  const flow = toEngineFlow(await loadFlow(db, ids.flow, []));
  runner = createFlowRunner(flow);
  await runner.start();
  const admin = kafka('west').admin();
  await admin.connect();
  await waitFor(
    async () => {
      const [t] = await admin.fetchOffsets({
        groupId: positionsGroup('east', 'west', ids.flow),
        topics: [`east.${topic}`],
      });
      return (t?.partitions ?? []).filter((p) => p.offset === '100').length === 3;
    },
    { timeoutMs: 60_000, what: 'the flow to replicate 300 records' },
  );
  await admin.disconnect();
  await runner.stop();
  runner = undefined;

  worker = startProcessor(verificationProcessor({ db, keyring: [] }), {
    connection,
    prefix,
    name: 'worker-under-test',
  });
  queue = new Queue(VERIFICATION_QUEUE, { connection: connection(), prefix });
  events = new QueueEvents(VERIFICATION_QUEUE, { connection: connection(), prefix });
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
});

afterAll(async () => {
  await runner?.stop();
  await worker?.close();
  await queue?.obliterate({ force: true }).catch(() => {});
  await Promise.allSettled([queue?.close(), events?.close()]);
  await Promise.allSettled(connections.map((c) => c.quit()));
  await db?.$client.end();
});

describe('verification processor', () => {
  it('verifies a replicated flow and stores the report: passed, with the result in words', async () => {
    const { result, run } = await verify(ids.team, ids.flow, 40);
    expect(result).toMatchObject({ state: 'passed' });
    expect(run.state).toBe('passed');
    expect(run.startedAt).not.toBeNull();
    expect(run.finishedAt).not.toBeNull();
    expect(run.requestedBy).toBe('operator@example.test');
    // the flow's topic, and `heartbeats` when east has one (a flow replicates heartbeats whatever its filters)
    const mine = run.report!.partitions.filter((p) => p.topic === topic);
    expect(mine.map((p) => [p.partition, p.checked, p.matched])).toEqual([
      [0, 40, 40],
      [1, 40, 40],
      [2, 40, 40],
    ]);
    expect(run.report!.partitions.every((p) => p.topic === topic || p.topic === 'heartbeats')).toBe(true);
    expect(run.report?.totals).toMatchObject({ missing: 0, mismatched: 0, extra: 0 });
    expect(run.summary).toMatch(/^\d+ partitions, [\d,]+ records compared, all identical\.$/);
  });

  it("verifies only the flow's pinned partitions when discovery recorded them", async () => {
    await db.insert(schema.flowTopology).values({
      flowId: ids.flow,
      discoveredFor: 'test',
      // the shared heartbeats topic every flow of the pair replicates is not the flow's data: left out
      partitions: { [topic]: 2, heartbeats: 1 },
    });
    const { run } = await verify(ids.team, ids.flow);
    expect(run.state).toBe('passed');
    expect(run.report?.partitions.map((p) => `${p.topic}-${p.partition}`)).toEqual([
      `${topic}-0`,
      `${topic}-1`,
    ]);
    expect(run.report?.totals.checked).toBe(200);
  });

  it('reports differences as failed: an extra record on the target', async () => {
    await produce('west', `east.${topic}`, [
      { partition: 0, key: 'x', value: 'intruder', headers: [], timestamp: String(Date.now()) },
    ]);
    const { run } = await verify(ids.team, ids.flow);
    expect(run.state).toBe('failed');
    expect(run.report?.partitions[0]).toMatchObject({ extra: 1, firstDifference: { field: 'extra' } });
    expect(run.summary).toMatch(
      /^2 partitions, 200 records compared: 1 extra record on the target\. The first difference: .* partition 0/,
    );
  });

  it('ends in error with the reason in words when a cluster is unreachable', async () => {
    const { result, run } = await verify(ids.downTeam, ids.downFlow, 10);
    expect(result).toMatchObject({ state: 'error' });
    expect(run.state).toBe('error');
    expect(run.error).toMatch(/^cannot reach the source cluster east/i);
    expect(run.summary).toMatch(/^Could not verify: cannot reach the source cluster east/i);
  });

  it('refuses a job naming a flow of another team, without touching the run', async () => {
    const { view } = await createVerification(ctx(ids.team), ids.flow, { recordsPerPartition: 5 });
    const job = await queue.add(
      'verify',
      { flowId: ids.flow, teamId: ids.otherTeam, verificationId: view.id, recordsPerPartition: 5 },
      { removeOnComplete: true, removeOnFail: true },
    );
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow(/is not a run of team/);
    expect((await getVerificationOrThrow(ctx(ids.team), ids.flow, view.id)).state).toBe('queued');
  });
});
