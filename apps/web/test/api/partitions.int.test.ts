import { schema } from '@ferry/db';
import { assignPartitions } from '@ferry/engine';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { openApiDocument } from '@/lib/openapi.ts';
import { call } from '../helpers.ts';
import { type TeamFixture, teamFixture } from './fixtures.ts';

/**
 * GET …/flows/{flowId}/partitions on real Postgres: the grid's window, sorted, filtered and paged by the
 * server; each row's owning task is the engine's assignPartitions split (computed in SQL) and its worker
 * the one running that task; bad parameters are 400s naming the field.
 */
let A: TeamFixture;
const now = Date.now();
// Topic names chosen so bytewise order differs from a case-insensitive one ('B' < 'a').
const TOPOLOGY = { 'orders.a': 5, 'orders.B': 3, heartbeats: 1 };
const TASKS_MAX = 3;
interface Row {
  topic: string;
  partition: number;
  lagRecords: number | null;
  state: string;
  taskIndex: number | null;
  workerId: string | null;
}

beforeAll(async () => {
  A = await teamFixture('partitions');
  await db()
    .update(schema.flows)
    .set({ config: sql`jsonb_set(${schema.flows.config}, '{tasksMax}', ${String(TASKS_MAX)}::jsonb)` })
    .where(eq(schema.flows.id, A.flow));
  await db()
    .insert(schema.flowTopology)
    .values({ flowId: A.flow, discoveredFor: 'test', partitions: TOPOLOGY });
  await db()
    .insert(schema.flowTasks)
    .values([
      { flowId: A.flow, taskIndex: 0, generation: 1, workerId: 'w-a', state: 'running' },
      { flowId: A.flow, taskIndex: 1, generation: 1, workerId: 'w-b', state: 'running' },
      { flowId: A.flow, taskIndex: 2, generation: 1, workerId: 'w-c', state: 'stopped' },
    ]);
  const rows = Object.entries(TOPOLOGY).flatMap(([topic, n]) =>
    Array.from({ length: n }, (_, partition) => ({
      flowId: A.flow,
      topic,
      partition,
      sourceEndOffset: 100,
      replicatedOffset: 100 - ((partition * 3) % 4),
      lagRecords: (partition * 3) % 4,
      lagMs: 0,
      updatedAt: new Date(now - 2000),
    })),
  );
  // One partition that stopped reporting, one of a topic discovery no longer lists (no owner), one with
  // no lag figure yet (sorts last).
  rows.push({ ...rows[0]!, topic: 'gone', partition: 0, updatedAt: new Date(now - 10 * 60_000) });
  rows.push({ ...rows[0]!, topic: 'orders.a', partition: 5, lagRecords: null as unknown as number });
  await db().insert(schema.partitionMetricsLatest).values(rows);
});

const url = (q = '') => `/api/v1/teams/${A.id}/flows/${A.flow}/partitions${q}`;
const get = async (q: string) => {
  const r = await call('GET', url(q), { cookie: A.people.viewer.cookie });
  expect(r.status, r.text).toBe(200);
  return r.json as {
    items: Row[];
    total: number;
    partitions: number;
    topics: string[];
    offset: number;
    limit: number;
  };
};
const keys = (items: Row[]) => items.map((r) => `${r.topic}-${r.partition}`);

describe('partitions API (the grid’s window)', () => {
  it('by default: every row sorted by topic (bytewise) then partition, with counts and the topic list', async () => {
    const page = await get('');
    expect(page).toMatchObject({ total: 11, partitions: 11, offset: 0, limit: 200 });
    expect(page.topics).toEqual(['gone', 'heartbeats', 'orders.B', 'orders.a']);
    expect(keys(page.items)).toEqual([
      'gone-0',
      'heartbeats-0',
      'orders.B-0',
      'orders.B-1',
      'orders.B-2',
      'orders.a-0',
      'orders.a-1',
      'orders.a-2',
      'orders.a-3',
      'orders.a-4',
      'orders.a-5',
    ]);
  });

  it("names each partition's task as the engine's assignPartitions does, and the worker running it", async () => {
    const tps = Object.entries(TOPOLOGY).flatMap(([topic, n]) =>
      Array.from({ length: n }, (_, partition) => ({ topic, partition })),
    );
    const owner = new Map<string, number>();
    assignPartitions(tps, TASKS_MAX).forEach((ts, i) => {
      for (const tp of ts) owner.set(`${tp.topic}-${tp.partition}`, i);
    });
    const workers = ['w-a', 'w-b', null]; // task 2 is stopped: no worker runs it
    const page = await get('?limit=1000');
    for (const r of page.items) {
      const task = owner.get(`${r.topic}-${r.partition}`) ?? null;
      expect({ key: `${r.topic}-${r.partition}`, task: r.taskIndex, worker: r.workerId }).toEqual({
        key: `${r.topic}-${r.partition}`,
        task,
        worker: task === null ? null : workers[task],
      });
    }
    // Not in the topology (gone-0, orders.a-5): no owner.
    expect(page.items.filter((r) => r.taskIndex === null).map((r) => `${r.topic}-${r.partition}`)).toEqual([
      'gone-0',
      'orders.a-5',
    ]);
  });

  it.each([
    // query, the rows expected (in order), total
    ['?topic=orders.a&offset=2&limit=2', ['orders.a-2', 'orders.a-3'], 6],
    ['?topic=orders.a&sort=partition&dir=desc&limit=3', ['orders.a-5', 'orders.a-4', 'orders.a-3'], 6],
    ['?state=stale', ['gone-0'], 1],
    ['?state=caught%20up&topic=orders.B', ['orders.B-0'], 1],
    [
      '?topic=orders.a&sort=lagRecords&dir=desc',
      // lag 3, 2, 1, 0, 0 (ties by partition), then the null last
      ['orders.a-1', 'orders.a-2', 'orders.a-3', 'orders.a-0', 'orders.a-4', 'orders.a-5'],
      6,
    ],
    ['?topic=orders.a&sort=lagRecords&dir=asc&limit=2', ['orders.a-0', 'orders.a-4'], 6],
    ['?sort=workerId&dir=desc&limit=2&topic=orders.a', ['orders.a-0', 'orders.a-3'], 6], // w-b, w-b (then w-a, then none)
    ['?offset=50', [], 11],
    ['?state=lagging&offset=50', [], 5],
    ['?topic=nope', [], 0],
  ])('%s → %j (of %i)', async (q, expected, total) => {
    const page = await get(q);
    expect(keys(page.items)).toEqual(expected);
    expect(page.total).toBe(total);
    expect(page.partitions).toBe(11);
  });

  it('states: stale when not reported for a minute, lagging with records behind, else caught up', async () => {
    const page = await get('?topic=orders.B&limit=1000');
    expect(page.items.map((r) => [r.partition, r.lagRecords, r.state])).toEqual([
      [0, 0, 'caught up'],
      [1, 3, 'lagging'],
      [2, 2, 'lagging'],
    ]);
  });

  it.each([
    ['?sort=bogus', 'sort'],
    ['?dir=up', 'dir'],
    ['?state=happy', 'state'],
    ['?offset=-1', 'offset'],
    ['?offset=1.5', 'offset'],
    ['?limit=0', 'limit'],
    ['?limit=1001', 'limit'],
    ['?limit=ten', 'limit'],
    ['?topic=', 'topic'],
  ])('%s is a 400 naming %s', async (q, field) => {
    const r = await call('GET', url(q), { cookie: A.people.viewer.cookie });
    expect(r.status).toBe(400);
    expect(r.json.error.issues?.[0]?.path ?? '').toContain(field);
    expect(r.json.error.message).toContain(field);
  });

  it('is in the OpenAPI document with its query parameters', () => {
    const op = openApiDocument().paths['/api/v1/teams/{teamId}/flows/{flowId}/partitions']?.get as {
      parameters: { name: string }[];
      description: string;
    };
    expect(op.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['sort', 'dir', 'topic', 'state', 'offset', 'limit']),
    );
    expect(op.description).toContain('flows.read');
  });
});
