import { VERIFICATION_QUEUE } from '@ferry/core';
import { createVerification, type Db, getVerificationOrThrow, schema } from '@ferry/db';
import { seedFlow, testDb } from '@ferry/db/testing';
import { uniqueName } from '@ferry/testkit/vitest';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { endStuckVerifications } from '../../src/processors/verification.ts';

/** Real Postgres and Redis: verification runs that can no longer end by themselves end with a reason. */
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = uniqueName('test-stuck');
const conns: Redis[] = [];
let db: Db;
let queue: Queue;
let teamId = '';
let flowId = '';

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'stuckverify'));
  ({ teamId, flowId } = await seedFlow(db));
  const r = new Redis(redisUrl, { maxRetriesPerRequest: null });
  conns.push(r);
  queue = new Queue(VERIFICATION_QUEUE, { connection: r, prefix });
});
afterAll(async () => {
  await queue.obliterate({ force: true }).catch(() => {});
  await queue.close();
  for (const c of conns) await c.quit().catch(() => {});
  await db?.$client.end();
});

const ctx = () => ({
  db,
  teamId,
  actor: { type: 'user' as const, id: null, name: 'op@example.test', ip: null },
});

async function run(o: { state: 'queued' | 'running'; ageMs: number; job: boolean }) {
  const { view } = await createVerification(ctx(), flowId, { recordsPerPartition: 10 });
  const at = new Date(Date.now() - o.ageMs);
  await db
    .update(schema.flowVerifications)
    .set({ state: o.state, createdAt: at, ...(o.state === 'running' ? { startedAt: at } : {}) })
    .where(eq(schema.flowVerifications.id, view.id));
  if (o.job) await queue.add('verify', { flowId, teamId, verificationId: view.id }, { jobId: view.id });
  return view.id;
}

describe('stuck verification runs', () => {
  it('ends lost and overdue runs with a reason and leaves live ones alone', async () => {
    const lostQueued = await run({ state: 'queued', ageMs: 120_000, job: false });
    const lostRunning = await run({ state: 'running', ageMs: 120_000, job: false });
    const waiting = await run({ state: 'queued', ageMs: 120_000, job: true }); // no worker yet: stays queued
    const fresh = await run({ state: 'queued', ageMs: 1_000, job: false }); // just enqueued: grace
    const overdue = await run({ state: 'running', ageMs: 3 * 3_600_000, job: true });

    const ended = await endStuckVerifications(
      db,
      { jobState: (id) => queue.getJobState(id) },
      { lostAfterMs: 60_000, maxRunMs: 3_600_000 },
    );
    expect(new Set(ended.map((e) => e.id))).toEqual(new Set([lostQueued, lostRunning, overdue]));
    const view = (id: string) => getVerificationOrThrow(ctx(), flowId, id);
    expect((await view(lostQueued)).state).toBe('error');
    expect((await view(lostQueued)).error).toMatch(/job was lost .* before a worker started it/);
    expect((await view(lostRunning)).error).toMatch(/before a worker finished it/);
    expect((await view(overdue)).error).toMatch(/did not finish within 60 minutes/);
    expect((await view(waiting)).state).toBe('queued');
    expect((await view(fresh)).state).toBe('queued');
    // A second sweep finds nothing more to end.
    expect(
      await endStuckVerifications(db, { jobState: (id) => queue.getJobState(id) }, { lostAfterMs: 60_000 }),
    ).toEqual([]);
  });
});
