import { schema } from '@ferry/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '@/lib/db.ts';
import { openApiDocument } from '@/lib/openapi.ts';
import { call } from '../helpers.ts';
import { type TeamFixture, teamFixture } from './fixtures.ts';

/**
 * GET …/flows/{flowId}/metrics on real Postgres: the range picks the resolution, the series carry the stored
 * values as [ts, value] pairs, a topic or partition reads its own rows, bad queries are 400s naming the field.
 */
let A: TeamFixture;
const now = Date.now();
const minute = Math.floor(now / 60_000) * 60_000;
const raw = Math.floor(now / 5000) * 5000;

beforeAll(async () => {
  A = await teamFixture('metrics');
  const f = A.flow;
  const base = { flowId: f, recordAgeMsMax: 90, replicationLatencyMsMax: 120, bytes: 5000 };
  await db()
    .insert(schema.flowMetricSamples)
    .values([
      {
        ...base,
        resolution: 'raw',
        at: new Date(raw - 10_000),
        lagRecords: 7,
        lagMsMax: 1500,
        records: 50,
        samples: 1,
        recordAgeMsAvg: 30,
        replicationLatencyMsAvg: 40,
      },
      {
        ...base,
        resolution: 'raw',
        at: new Date(raw - 5000),
        lagRecords: 0,
        lagMsMax: 0,
        records: 25,
        samples: 1,
        recordAgeMsAvg: null,
        replicationLatencyMsAvg: 41,
      },
      {
        ...base,
        resolution: '1m',
        at: new Date(minute - 120_000),
        lagRecords: 70,
        lagMsMax: 2000,
        records: 600,
        samples: 12,
      },
      {
        ...base,
        resolution: '1h',
        at: new Date(minute - 3 * 86400_000),
        lagRecords: 9,
        lagMsMax: 0,
        records: 3600,
        samples: 720,
      },
    ]);
  await db()
    .insert(schema.partitionMetricSamples)
    .values([
      {
        flowId: f,
        resolution: '1m',
        topic: 'orders',
        partition: -1,
        at: new Date(minute - 60_000),
        lagRecords: 11,
        lagMsMax: 100,
        records: 120,
        bytes: 0,
      },
      {
        flowId: f,
        resolution: '1m',
        topic: 'orders',
        partition: 2,
        at: new Date(minute - 60_000),
        lagRecords: 4,
        lagMsMax: 100,
        records: 60,
        bytes: 0,
      },
      {
        flowId: f,
        resolution: '1m',
        topic: 'other',
        partition: 2,
        at: new Date(minute - 60_000),
        lagRecords: 99,
        lagMsMax: 1,
        records: 1,
        bytes: 0,
      },
    ]);
  await db()
    .insert(schema.groupMetricSamples)
    .values([
      {
        flowId: f,
        group: 'billing',
        resolution: 'raw',
        at: new Date(raw - 5000),
        checkpointLatencyMsAvg: 250,
        checkpointAgeMsMax: 3000,
      },
      {
        flowId: f,
        group: 'billing',
        resolution: '1h',
        at: new Date(minute - 86400_000),
        checkpointLatencyMsAvg: 999,
        checkpointAgeMsMax: 1000,
      },
      ...(['billing', 'shipping'] as const).map((group, i) => ({
        flowId: f,
        group,
        resolution: '1m',
        at: new Date(minute - 60_000),
        checkpointLatencyMsAvg: 100 + i,
        checkpointAgeMsMax: 2000,
      })),
    ]);
  // billing reads orders (partition 2), shipping reads other: a topic's charts show only its readers' groups.
  const offsets = { sourceOffset: 5, targetOffset: 5, exact: true, checkedAt: new Date(now) };
  await db()
    .insert(schema.groupOffsetsLatest)
    .values([
      { flowId: f, group: 'billing', topic: 'orders', partition: 2, remoteTopic: 'east.orders', ...offsets },
      { flowId: f, group: 'shipping', topic: 'other', partition: 2, remoteTopic: 'east.other', ...offsets },
    ]);
});

const url = (q: string) => `/api/v1/teams/${A.id}/flows/${A.flow}/metrics${q}`;

describe('flow metrics API', () => {
  it('15m reads raw samples: values as stored, rates per second, nulls left out', async () => {
    const r = await call('GET', url('?range=15m'), { cookie: A.people.viewer.cookie });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ range: '15m', resolution: 'raw', stepMs: 5000, scope: {} });
    expect(r.json.series.lagRecords).toEqual([
      [raw - 10_000, 7],
      [raw - 5000, 0],
    ]);
    expect(r.json.series.lagSeconds).toEqual([
      [raw - 10_000, 1.5],
      [raw - 5000, 0],
    ]);
    expect(r.json.series.recordsPerSecond).toEqual([
      [raw - 10_000, 10],
      [raw - 5000, 5],
    ]);
    expect(r.json.series.bytesPerSecond[0]).toEqual([raw - 10_000, 1000]);
    expect(r.json.series.recordAgeMsAvg).toEqual([[raw - 10_000, 30]]);
    expect(r.json.series.replicationLatencyMsMax).toHaveLength(2);
    expect(r.json.groups).toEqual({
      billing: { checkpointLatencyMsAvg: [[raw - 5000, 250]], checkpointAgeSeconds: [[raw - 5000, 3]] },
    });
  });

  it('24h reads the minute rollup, 7d the hour rollup', async () => {
    const day = await call('GET', url('?range=24h'), { cookie: A.people.viewer.cookie });
    expect(day.json).toMatchObject({ resolution: '1m', stepMs: 60_000 });
    expect(day.json.series.lagRecords).toEqual([[minute - 120_000, 70]]);
    expect(day.json.series.recordsPerSecond).toEqual([[minute - 120_000, 10]]); // 600 records over 12 × 5 s
    expect(Object.keys(day.json.groups)).toEqual(['billing', 'shipping']);
    expect(day.json.groups.billing.checkpointLatencyMsAvg).toEqual([[minute - 60_000, 100]]);
    const week = await call('GET', url('?range=7d'), { cookie: A.people.viewer.cookie });
    expect(week.json).toMatchObject({ resolution: '1h', stepMs: 3600_000 });
    expect(week.json.series.lagRecords).toEqual([[minute - 3 * 86400_000, 9]]);
    expect(week.json.groups.billing.checkpointLatencyMsAvg).toEqual([[minute - 86400_000, 999]]);
  });

  it('a topic reads its topic rows, a partition its own', async () => {
    const topic = await call('GET', url('?range=1h&topic=orders'), { cookie: A.people.viewer.cookie });
    expect(topic.json).toMatchObject({ resolution: '1m', scope: { topic: 'orders' } });
    expect(topic.json.series.lagRecords).toEqual([[minute - 60_000, 11]]);
    expect(topic.json.series.recordsPerSecond).toEqual([[minute - 60_000, 2]]);
    const p = await call('GET', url('?range=15m&topic=orders&partition=2'), {
      cookie: A.people.viewer.cookie,
    });
    expect(p.json).toMatchObject({ resolution: '1m', scope: { topic: 'orders', partition: 2 } });
    expect(p.json.series.lagRecords).toEqual([[minute - 60_000, 4]]);
    const none = await call('GET', url('?range=15m&topic=orders&partition=3'), {
      cookie: A.people.viewer.cookie,
    });
    expect(none.json.series.lagRecords).toEqual([]);
  });

  it("a topic's or partition's groups are only those reading it, at the series' resolution", async () => {
    const topic = await call('GET', url('?range=1h&topic=orders'), { cookie: A.people.viewer.cookie });
    expect(topic.json.groups).toEqual({
      billing: {
        checkpointLatencyMsAvg: [[minute - 60_000, 100]],
        checkpointAgeSeconds: [[minute - 60_000, 2]],
      },
    });
    const p = await call('GET', url('?range=1h&topic=other&partition=2'), { cookie: A.people.viewer.cookie });
    expect(Object.keys(p.json.groups)).toEqual(['shipping']);
    const unread = await call('GET', url('?range=1h&topic=orders&partition=0'), {
      cookie: A.people.viewer.cookie,
    });
    expect(unread.json.groups).toEqual({});
    // Flow totals over 1h read raw samples: every group's raw series, none of the minute rows.
    const flow = await call('GET', url('?range=1h'), { cookie: A.people.viewer.cookie });
    expect(flow.json.groups).toEqual({
      billing: { checkpointLatencyMsAvg: [[raw - 5000, 250]], checkpointAgeSeconds: [[raw - 5000, 3]] },
    });
  });

  it.each([
    ['?range=2d', 'range'],
    ['?partition=1', 'partition'],
    ['?topic=orders&partition=-1', 'partition'],
  ])('%s is a 400 naming %s', async (q, field) => {
    const r = await call('GET', url(q), { cookie: A.people.viewer.cookie });
    expect(r.status).toBe(400);
    expect(r.json.error.issues?.[0]?.path ?? '').toContain(field);
  });

  it('is in the OpenAPI document with its query parameters', () => {
    const op = openApiDocument().paths['/api/v1/teams/{teamId}/flows/{flowId}/metrics']?.get as {
      parameters: { name: string }[];
      description: string;
    };
    expect(op.parameters.map((p) => p.name)).toEqual(expect.arrayContaining(['range', 'topic', 'partition']));
    expect(op.description).toContain('flows.read');
  });
});
