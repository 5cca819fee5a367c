import {
  type Db,
  getFlowMetrics,
  MetricsWriter,
  minuteRows,
  type PartitionMetrics,
  rollUpAndExpire,
  schema,
  writeGroupOffsets,
} from '@ferry/db';
import { seedFlow, testDb } from '@ferry/db/testing';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { groupOffsetRows } from '../../src/metrics/group-offsets.ts';

/**
 * Per-partition, per-topic and per-group series written by the MetricsWriter into real Postgres and read
 * back through the metrics API's query (getFlowMetrics): what is written is what the charts show.
 */
let db: Db;
let flowId = '';
let teamId = '';

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'obs_samples'));
  ({ flowId, teamId } = await seedFlow(db));
});
afterAll(() => db?.$client.end());

const m = (topic: string, partition: number, over: Partial<PartitionMetrics> = {}): PartitionMetrics => ({
  flowId,
  source: 'east',
  target: 'west',
  topic,
  partition,
  records: 60,
  bytes: 6000,
  windowMs: 5000,
  recordAgeMs: { min: 1, max: 20, avg: 10 },
  replicationLatencyMs: { min: 2, max: 40, avg: 20 },
  lagRecords: 5,
  lagMs: 300,
  ...over,
});

describe('minuteRows', () => {
  it('adds one row per topic: lag summed, lag time and maxima the greatest, averages weighted by records', () => {
    const w = new MetricsWriter(db);
    const t = Date.UTC(2026, 0, 1, 0, 0, 10);
    w.record(
      m('a', 0, { records: 10, recordAgeMs: { min: 1, max: 5, avg: 2 }, lagRecords: 3, lagMs: 100 }),
      t,
    );
    w.record(
      m('a', 1, { records: 30, recordAgeMs: { min: 1, max: 9, avg: 6 }, lagRecords: 4, lagMs: 700 }),
      t,
    );
    w.record(m('b', 0, { records: 5, lagRecords: 0, lagMs: 0 }), t);
    const rows = minuteRows(w.minutes.takeFinished(t + 60_000));
    const topicA = rows.find((r) => r.topic === 'a' && r.partition === -1)!;
    expect(topicA).toMatchObject({
      lagRecords: 7,
      lagMsMax: 700,
      records: 40,
      bytes: 12_000,
      recordAgeMsMax: 9,
    });
    expect(topicA.recordAgeMsAvg).toBeCloseTo((10 * 2 + 30 * 6) / 40);
    expect(rows.filter((r) => r.partition >= 0)).toHaveLength(3);
    expect(rows.filter((r) => r.partition === -1).map((r) => r.topic)).toEqual(['a', 'b']);
  });

  it('keeps the last lag of a minute in records and the greatest in time', () => {
    const w = new MetricsWriter(db);
    const t = Date.UTC(2026, 0, 1, 0, 1, 0);
    w.record(m('a', 0, { lagRecords: 50, lagMs: 900 }), t);
    w.record(m('a', 0, { lagRecords: 2, lagMs: 10 }), t + 30_000);
    const [p] = minuteRows(w.minutes.takeFinished(t + 60_000));
    expect(p).toMatchObject({ lagRecords: 2, lagMsMax: 900, records: 120 });
  });
});

describe('MetricsWriter → Postgres → getFlowMetrics', () => {
  const ctx = () => ({ db, teamId });

  it('serves a partition and its topic per minute and per hour from what the worker wrote', async () => {
    const w = new MetricsWriter(db);
    const t0 = Date.now() - 3 * 60_000; // three minutes ago, so the 15m range covers it
    const minute0 = Math.floor(t0 / 60_000) * 60_000;
    for (let i = 0; i < 3; i++) {
      const at = minute0 + i * 60_000 + 1000;
      w.record(m('orders', 0, { records: 60 * (i + 1), lagRecords: 10 * i, lagMs: 1000 * i }), at);
      w.record(m('orders', 1, { records: 60, lagRecords: 1, lagMs: 50 }), at);
    }
    await w.flush(minute0 + 3 * 60_000 + 1);
    const p0 = await getFlowMetrics(ctx(), flowId, { range: '15m', topic: 'orders', partition: 0 });
    expect(p0.resolution).toBe('1m');
    expect(p0.stepMs).toBe(60_000);
    expect(p0.series.lagRecords).toEqual([
      [minute0, 0],
      [minute0 + 60_000, 10],
      [minute0 + 120_000, 20],
    ]);
    expect(p0.series.lagSeconds.map(([, v]) => v)).toEqual([0, 1, 2]);
    expect(p0.series.recordsPerSecond.map(([, v]) => v)).toEqual([1, 2, 3]);
    const topic = await getFlowMetrics(ctx(), flowId, { range: '1h', topic: 'orders' });
    expect(topic.series.lagRecords.map(([, v]) => v)).toEqual([1, 11, 21]);
    expect(topic.series.recordsPerSecond.map(([, v]) => v)).toEqual([2, 3, 4]);
    expect(topic.series.bytesPerSecond.map(([, v]) => v)).toEqual([200, 200, 200]);
    const day = await getFlowMetrics(ctx(), flowId, { range: '24h', topic: 'orders', partition: 0 });
    expect(day.resolution).toBe('1h');
    // The hour rows fold the minutes in: greatest lag, summed records over the minutes they cover.
    const hours = day.series.lagRecords;
    expect(hours.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...hours.map(([, v]) => v))).toBe(20);
    const recs = await db
      .select({ records: schema.partitionMetricSamples.records })
      .from(schema.partitionMetricSamples)
      .where(
        and(
          eq(schema.partitionMetricSamples.flowId, flowId),
          eq(schema.partitionMetricSamples.resolution, '1h'),
          eq(schema.partitionMetricSamples.partition, 0),
        ),
      );
    expect(recs.reduce((a, r) => a + r.records, 0)).toBe(360);
  });

  it('writes checkpoint latency and age per group, and the flow average into the flow sample', async () => {
    const w = new MetricsWriter(db);
    // Second 10 of the previous minute: both flushes (now, now + 5 s) fall in one minute, so the roll-up
    // below makes exactly one 1m row (with Date.now() the two flushes straddled a minute about 1 run in 12).
    const now = Math.floor(Date.now() / 60_000) * 60_000 - 50_000;
    w.record(m('orders', 0), now);
    w.checkpointRound(flowId, 'billing', now - 4000);
    const ck = (group: string, partition: number, avg: number) =>
      w.recordCheckpoint({
        flowId,
        source: 'east',
        target: 'west',
        group,
        topic: 'orders',
        partition,
        checkpointLatencyMs: { min: avg, max: avg * 2, avg },
      });
    ck('billing', 0, 100);
    ck('billing', 1, 300);
    await w.flush(now);
    const res = await getFlowMetrics(ctx(), flowId, { range: '15m' });
    expect(res.resolution).toBe('raw');
    const billing = res.groups.billing!;
    expect(billing.checkpointLatencyMsAvg.map(([, v]) => v)).toEqual([200]);
    expect(billing.checkpointAgeSeconds.map(([, v]) => v)).toEqual([4]);
    const [flowRow] = await db
      .select({ c: schema.flowMetricSamples.checkpointLatencyMsAvg })
      .from(schema.flowMetricSamples)
      .where(
        and(
          eq(schema.flowMetricSamples.flowId, flowId),
          eq(schema.flowMetricSamples.resolution, 'raw'),
          eq(schema.flowMetricSamples.at, new Date(Math.floor(now / 5000) * 5000)),
        ),
      );
    expect(flowRow?.c).toBe(200);
    expect(w.groups.latencyOf(flowId, 'billing', 'orders', 1)).toBe(300);

    // The next interval has no new commit: no latency, the age keeps growing.
    await w.flush(now + 5000);
    const later = await getFlowMetrics(ctx(), flowId, { range: '15m' }, now + 6000);
    expect(later.groups.billing!.checkpointAgeSeconds.map(([, v]) => v)).toEqual([4, 9]);
    expect(later.groups.billing!.checkpointLatencyMsAvg).toHaveLength(1);

    await rollUpAndExpire(db, now + 60_000);
    const minute = await db.execute<{ n: number; lat: number }>(
      sql`select count(*)::int as n, max(checkpoint_latency_ms_avg) as lat from group_metric_samples where resolution = '1m' and flow_id = ${flowId}`,
    );
    expect(minute.rows[0]).toEqual({ n: 1, lat: 200 });
  });

  it('keeps a group partition’s checkpoint time while its offsets stay the same', async () => {
    const exact = (up: bigint, down: bigint) => ({
      group: 'billing',
      topic: 'orders',
      partition: 0,
      remoteTopic: 'east.orders',
      upstreamOffset: up,
      metadata: '',
      translation: { exact: true as const, upstreamOffset: up, downstreamOffset: down },
    });
    const t1 = new Date(Date.now() - 20_000);
    await writeGroupOffsets(
      db,
      groupOffsetRows(flowId, new Map([['billing', [exact(10n, 7n)]]]), t1, () => 42),
    );
    const t2 = new Date(t1.getTime() + 10_000);
    await writeGroupOffsets(
      db,
      groupOffsetRows(flowId, new Map([['billing', [exact(10n, 7n)]]]), t2, () => undefined),
    );
    const g = schema.groupOffsetsLatest;
    let [row] = await db.select().from(g).where(eq(g.flowId, flowId));
    expect(row).toMatchObject({ sourceOffset: 10, targetOffset: 7, exact: true, checkpointLatencyMs: 42 });
    expect(row!.checkpointedAt?.getTime()).toBe(t1.getTime());
    expect(row!.checkedAt.getTime()).toBe(t2.getTime());
    const t3 = new Date(t2.getTime() + 5000);
    await writeGroupOffsets(
      db,
      groupOffsetRows(flowId, new Map([['billing', [exact(12n, 9n)]]]), t3, () => 8),
    );
    [row] = await db.select().from(g).where(eq(g.flowId, flowId));
    expect(row).toMatchObject({ sourceOffset: 12, targetOffset: 9, checkpointLatencyMs: 8 });
    expect(row!.checkpointedAt?.getTime()).toBe(t3.getTime());
  });
});
