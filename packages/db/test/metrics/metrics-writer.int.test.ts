import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Db, schema } from '../../src/index.ts';
import { MetricsWriter, rollUpAndExpire } from '../../src/metrics/metrics-writer.ts';
import type { PartitionMetrics } from '../../src/metrics/partition-metrics.ts';
import { seedFlow, testDb } from '../../src/testing.ts';

let db: Db;
let flowId = '';

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), 'metrics'));
  ({ flowId } = await seedFlow(db));
});
afterAll(() => db?.$client.end());

const metrics = (partition: number, over: Partial<PartitionMetrics> = {}): PartitionMetrics => ({
  flowId,
  source: 'east',
  target: 'west',
  topic: 'orders',
  partition,
  records: 10,
  bytes: 1000,
  windowMs: 5000,
  recordAgeMs: { min: 1, max: 20, avg: 5 },
  replicationLatencyMs: { min: 2, max: 30, avg: 8 },
  sourceEndOffset: 100 + partition,
  position: 90 + partition,
  lagRecords: 10,
  lagMs: 40,
  ...over,
});

describe('MetricsWriter against Postgres', () => {
  it('keeps the latest value per partition within the row budget per flush', async () => {
    const w = new MetricsWriter(db, { maxLatestRowsPerFlush: 1000, flushIntervalMs: 5000 });
    for (let i = 0; i < 2500; i++) w.record(metrics(i));
    const t0 = Date.UTC(2026, 10, 22, 10, 0, 0);
    expect(await w.flush(t0)).toBe(1001); // 1000 partitions + 1 flow sample
    expect(await w.flush(t0 + 5000)).toBe(1001);
    w.record(metrics(0, { lagRecords: 3, position: 97 })); // newer value for a partition already written
    expect(await w.flush(t0 + 10_000)).toBe(502);
    expect(await w.flush(t0 + 15_000)).toBe(1); // nothing pending: only the flow sample
    const rows = await db
      .select()
      .from(schema.partitionMetricsLatest)
      .where(eq(schema.partitionMetricsLatest.flowId, flowId));
    expect(rows).toHaveLength(2500);
    const p0 = rows.find((r) => r.partition === 0)!;
    expect(p0).toMatchObject({
      replicatedOffset: 97,
      lagRecords: 3,
      sourceEndOffset: 100,
      recordsPerSec: 2,
      bytesPerSec: 200,
    });
    const raw = await db
      .select()
      .from(schema.flowMetricSamples)
      .where(eq(schema.flowMetricSamples.resolution, 'raw'));
    expect(raw).toHaveLength(4);
    expect(raw[0]).toMatchObject({ records: 25_000, bytes: 2_500_000, lagRecords: 25_000, lagMsMax: 40 });
  });

  it('merges two workers flushing the same interval, rolls up per minute and hour, and expires old rows', async () => {
    const t = Date.UTC(2026, 10, 22, 11, 0, 0);
    const a = new MetricsWriter(db);
    const b = new MetricsWriter(db);
    a.record(metrics(0, { records: 5, lagRecords: 1 }));
    b.record(metrics(1, { records: 7, lagRecords: 2 }));
    await a.flush(t);
    await b.flush(t + 1000); // same 5 s bucket
    const [merged] = await db
      .execute<{ records: string; lag_records: string }>(
        sql`select records, lag_records from flow_metric_samples where resolution='raw' and at = ${new Date(t)}::timestamptz`,
      )
      .then((r) => r.rows);
    expect(merged).toEqual({ records: '12', lag_records: '3' });

    await rollUpAndExpire(db, t + 60_000);
    const minute = await db.execute<{ samples: number; records: string }>(
      sql`select samples, records from flow_metric_samples where resolution='1m' and at = ${new Date(t)}::timestamptz`,
    );
    expect(minute.rows).toEqual([{ samples: 1, records: '12' }]);
    await rollUpAndExpire(db, t + 60_000); // idempotent
    const hour = await db.execute(
      sql`select extract(epoch from at)::bigint * 1000 as at, records::int as records from flow_metric_samples where resolution='1h'`,
    );
    expect(hour.rows).toEqual([{ at: String(t), records: 12 }]);

    await rollUpAndExpire(db, t + 7 * 3600_000);
    const rawLeft = await db.execute(
      sql`select count(*)::int as n from flow_metric_samples where resolution='raw'`,
    );
    expect(rawLeft.rows[0]).toEqual({ n: 0 });
  });

  it("writes a cap above Postgres's bind-parameter limit in several statements", async () => {
    const { flowId: bigFlow } = await seedFlow(db);
    const w = new MetricsWriter(db, { maxLatestRowsPerFlush: 10_000 });
    for (let i = 0; i < 10_000; i++) w.record(metrics(i, { flowId: bigFlow }));
    expect(await w.flush(Date.UTC(2026, 10, 23, 12, 0, 0))).toBe(10_001);
    const rows = await db
      .select()
      .from(schema.partitionMetricsLatest)
      .where(eq(schema.partitionMetricsLatest.flowId, bigFlow));
    expect(rows).toHaveLength(10_000);
  });
});
