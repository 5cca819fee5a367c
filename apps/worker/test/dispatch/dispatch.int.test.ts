import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { type Db, postgresFlowStore, saveTopology, schema } from '@ferry/db';
import { seedFlow, testDb } from '@ferry/db/testing';
import { waitFor } from '@ferry/testkit';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { discoveryFingerprint } from '../../src/reconcile/plan.ts';
import { Reconciler } from '../../src/reconcile/reconciler.ts';

/**
 * Real Redis, real Postgres, real worker processes (the TaskWorker with a runner that only heartbeats):
 * the dispatch mechanics of failover, scale-out, draining and live reconfiguration.
 */
const prefix = `test-${randomBytes(4).toString('hex')}`;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = new Redis(redisUrl);
const procs = new Map<string, ChildProcess>();
let db: Db;
let flowId = '';
let reconciler: Reconciler;
let reconcileTimer: NodeJS.Timeout;

/** Stands in for the discovery job (these flows' clusters do not exist): what discovery would record. */
const discovered = (config: Record<string, unknown>, partitions: Record<string, number>) =>
  saveTopology(db, flowId, { discoveredFor: discoveryFingerprint(config), partitions, groups: [] });
const fences: Array<{ generation: number; tasksMax: number; at: number }> = [];

function startWorker(id: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, '..', 'fixtures', 'task-worker-proc.ts')],
    {
      env: { ...process.env, PREFIX: prefix, WORKER_ID: id, REDIS_URL: redisUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  procs.set(id, child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (c) => reject(new Error(`worker ${id} exited ${c}`)));
  });
}

/** job → worker, for tasks whose heartbeat is fresher than `since`. */
async function placement(since = Date.now() - 1000): Promise<Map<string, string>> {
  const keys = await redis.keys(`${prefix}:hb:*`);
  const map = new Map<string, string>();
  for (const k of keys) {
    const [worker, t] = (await redis.get(k))!.split(' ');
    if (Number(t) > since) map.set(k.slice(`${prefix}:hb:`.length), worker!);
  }
  return map;
}

async function log(): Promise<
  Array<{ ev: string; job: string; worker: string; reason?: string; t: number }>
> {
  return (await redis.lrange(`${prefix}:log`, 0, -1)).map((l) => JSON.parse(l));
}

const perWorker = (p: Map<string, string>) => {
  const counts: Record<string, number> = {};
  for (const w of [...p.values()].sort()) counts[w] = (counts[w] ?? 0) + 1;
  return counts;
};

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'dispatch'));
  ({ flowId } = await seedFlow(db, { name: 'e2w', enabled: true, config: { topics: ['.*'], tasksMax: 6 } }));
  await discovered({ topics: ['.*'], tasksMax: 6 }, { orders: 8, payments: 4 });
  reconciler = new Reconciler({
    connection: () => new Redis(redisUrl, { maxRetriesPerRequest: null }),
    prefix,
    store: postgresFlowStore(db),
    scheduleControl: false,
    fence: async (_flow, generation, tasksMax) => void fences.push({ generation, tasksMax, at: Date.now() }),
  });
  reconcileTimer = setInterval(() => void reconciler.reconcileOnce().catch(() => {}), 300);
});

afterAll(async () => {
  for (const p of procs.values()) if (p.exitCode === null) p.kill('SIGKILL');
  clearInterval(reconcileTimer);
  await reconciler?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await db?.$client.end();
});

describe('task dispatch across worker processes', () => {
  it('spreads six tasks evenly over three workers', async () => {
    await Promise.all(['w1', 'w2', 'w3'].map(startWorker));
    await waitFor(
      async () => JSON.stringify(perWorker(await placement())) === JSON.stringify({ w1: 2, w2: 2, w3: 2 }),
      {
        timeoutMs: 20_000,
        what: '2/2/2 placement',
      },
    );
    expect([...(await placement()).keys()].sort()).toEqual([
      'g0.t0',
      'g0.t1',
      'g0.t2',
      'g0.t3',
      'g0.t4',
      'g0.t5',
    ]);
  });

  it('resumes the tasks of a SIGKILLed worker on the others, without moving the rest', async () => {
    const before = await placement();
    const victims = [...before].filter(([, w]) => w === 'w1').map(([j]) => j);
    const startsBefore = (await log()).filter((e) => e.ev === 'start').length;
    const killedAt = Date.now();
    procs.get('w1')!.kill('SIGKILL');
    await waitFor(
      async () => {
        const p = await placement(killedAt);
        return p.size === 6 && ![...p.values()].includes('w1');
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'all tasks running again without w1' },
    );
    const resumedAt = Math.max(
      ...(await log())
        .filter((e) => e.ev === 'start' && victims.includes(e.job) && e.t > killedAt)
        .map((e) => e.t),
    );
    const failoverMs = resumedAt - killedAt;
    console.log(`failover: ${victims.length} tasks resumed ${failoverMs} ms after SIGKILL`);
    expect(failoverMs).toBeGreaterThan(0);
    // Exactly the victims started again; the other four tasks never restarted.
    const restarted = (await log())
      .filter((e) => e.ev === 'start')
      .slice(startsBefore)
      .map((e) => e.job)
      .sort();
    expect(restarted).toEqual(victims.sort());
    expect(Object.values(perWorker(await placement())).sort()).toEqual([3, 3]);
  });

  it('rebalances onto new workers and drains workers stopped with SIGTERM', async () => {
    await Promise.all(['w4', 'w5'].map(startWorker));
    await waitFor(
      async () =>
        Object.values(perWorker(await placement()))
          .sort()
          .join() === '1,1,2,2',
      {
        timeoutMs: 20_000,
        what: '6 tasks on 4 workers as 2,2,1,1',
      },
    );
    const stoppedAt = Date.now();
    for (const w of ['w2', 'w3']) procs.get(w)!.kill('SIGTERM');
    await Promise.all(['w2', 'w3'].map((w) => new Promise((r) => procs.get(w)!.once('exit', r))));
    await waitFor(
      async () => {
        const p = await placement(stoppedAt);
        return p.size === 6 && Object.values(perWorker(p)).join() === '3,3';
      },
      { timeoutMs: 20_000, what: 'w4 and w5 running 3 tasks each' },
    );
    const drained = (await log()).filter(
      (e) => e.ev === 'stop' && e.t >= stoppedAt && ['w2', 'w3'].includes(e.worker),
    );
    expect(drained.length).toBeGreaterThan(0);
    expect(new Set(drained.map((e) => e.reason))).toEqual(new Set(['shutdown']));
  });

  it('reconfigures within 5 s on an edit: old generation stopped and fenced before the new one starts', async () => {
    const editedAt = Date.now();
    await db
      .update(schema.flows)
      .set({ config: { topics: ['orders'], tasksMax: 4 } })
      .where(eq(schema.flows.id, flowId));
    await discovered({ topics: ['orders'], tasksMax: 4 }, { orders: 8 });
    await waitFor(
      async () => {
        const p = await placement(Date.now() - 500);
        return p.size === 4 && [...p.keys()].every((j) => j.startsWith('g1.'));
      },
      { timeoutMs: 5000, intervalMs: 100, what: 'generation 1 with 4 tasks running' },
    );
    console.log(`edit applied in ${Date.now() - editedAt} ms`);
    const [row] = await db.select().from(schema.flows).where(eq(schema.flows.id, flowId));
    expect(row!.generation).toBe(1);
    expect(fences).toMatchObject([{ generation: 0, tasksMax: 6 }]);
    const firstNewStart = Math.min(
      ...(await log()).filter((e) => e.ev === 'start' && e.job.startsWith('g1.')).map((e) => e.t),
    );
    expect(fences[0]!.at).toBeLessThanOrEqual(firstNewStart);
    const oldStops = (await log()).filter(
      (e) => e.ev === 'stop' && e.job.startsWith('g0.') && e.t >= editedAt,
    );
    expect(new Set(oldStops.map((e) => e.reason))).toEqual(new Set(['superseded']));
  });

  it('stops every task within 5 s when the flow is disabled, and starts them again when enabled', async () => {
    await db.update(schema.flows).set({ enabled: false }).where(eq(schema.flows.id, flowId));
    const offAt = Date.now();
    await waitFor(async () => (await placement(Date.now() - 400)).size === 0, {
      timeoutMs: 5000,
      intervalMs: 100,
      what: 'no task running',
    });
    console.log(`disable applied in ${Date.now() - offAt} ms`);
    await db.update(schema.flows).set({ enabled: true }).where(eq(schema.flows.id, flowId));
    const onAt = Date.now();
    // Takes effect within 5 s (tasks run again); all four are spread over the workers soon after.
    await waitFor(async () => (await placement(Date.now() - 400)).size > 0, {
      timeoutMs: 5000,
      intervalMs: 100,
      what: 'tasks running again',
    });
    console.log(`enable applied in ${Date.now() - onAt} ms`);
    await waitFor(async () => (await placement(Date.now() - 400)).size === 4, {
      timeoutMs: 15_000,
      intervalMs: 100,
      what: '4 tasks running again',
    });
  });
});
