import { describe, expect, it } from 'vitest';
import { PartitionMeter } from '../../src/metrics/partition-metrics.ts';

describe('PartitionMeter', () => {
  it('reports counts, rates, min/max/avg and lag over one window, then starts a new window', () => {
    const m = new PartitionMeter('orders', 3, 'east.orders');
    const t0 = Date.now();
    m.fetched(t0 - 500, t0);
    m.fetched(t0 - 100, t0);
    m.committed([t0 - 500, t0 - 100], 2048, t0 + 50);
    m.sourceEnd = 110n;
    const w = m.take({ flow: 'east->west', task: 0 }, 100n, false, t0 + 1000);
    expect(w).toMatchObject({
      type: 'partition-metrics',
      topic: 'orders',
      partition: 3,
      remoteTopic: 'east.orders',
      recordCount: 2,
      byteCount: 2048,
      totalRecords: 2,
      recordAgeMs: { min: 100, max: 500, avg: 300, count: 2 },
      replicationLatencyMs: { min: 150, max: 550, avg: 350, count: 2 },
      lagRecords: 10,
      sourceEndOffset: '110',
      position: '100',
      halted: false,
    });
    expect(w.recordRate).toBeGreaterThan(0);
    const next = m.take({ flow: 'east->west', task: 0 }, 110n, false, t0 + 2000);
    expect(next).toMatchObject({
      recordCount: 0,
      totalRecords: 2,
      recordAgeMs: { count: 0 },
      lagRecords: 0,
      lagMs: 0,
    });
  });

  it('lag in time is the age of the oldest fetched record not yet committed', () => {
    const m = new PartitionMeter('t', 0, 'e.t');
    const now = Date.now();
    m.sourceEnd = 50n;
    m.fetched(now - 4000, now);
    m.fetched(now - 1000, now);
    expect(m.take({ flow: 'f', task: 0 }, 40n, false, now).lagMs).toBe(4000);
  });
});
