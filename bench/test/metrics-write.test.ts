import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminUrl, createDb } from '@ferry/db';
import { describe, expect, it } from 'vitest';

interface Json {
  runs: Array<{
    summary: { cap: number; rowsPerSec: number; walBytesPerSec: number; writerCountAgrees: boolean };
    maxLatestRowsPerFlushIncludingWarmup: number;
    flushes: Array<{ latestRows: number; walBytes: number }>;
    rollups: unknown[];
  }>;
  failed: unknown[];
}

/** The metrics write benchmark, small: 200 partitions, one simulated minute, against the real Postgres. */
describe('bench:metrics', () => {
  it('measures rows and WAL of the metrics pipeline within the cap and drops its database', async () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'src', 'metrics-write.ts')], {
      encoding: 'utf8',
      timeout: 120_000,
      env: {
        ...process.env,
        BENCH_METRICS_PARTITIONS: '200',
        BENCH_METRICS_TOPICS: '4',
        BENCH_METRICS_TICKS: '12', // one simulated minute: one rollup and one autovacuum visit
        BENCH_METRICS_WARMUP_TICKS: '1',
        BENCH_METRICS_CAPS: '50,1000',
      },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/WAL B\/s, total/);
    const file = /written (\S+\.json)/.exec(r.stdout)?.[1];
    expect(file).toBeDefined();
    const json = JSON.parse(readFileSync(file!, 'utf8')) as Json;
    expect(json.failed).toEqual([]);
    expect(json.runs.map((run) => run.summary.cap)).toEqual([50, 1000]);
    for (const run of json.runs) {
      const { cap } = run.summary;
      expect(run.summary.rowsPerSec).toBeGreaterThan(0);
      expect(run.summary.walBytesPerSec).toBeGreaterThan(0);
      expect(run.summary.writerCountAgrees).toBe(true);
      expect(run.flushes).toHaveLength(12);
      expect(run.rollups).toHaveLength(1);
      for (const f of run.flushes) {
        expect(f.latestRows).toBeLessThanOrEqual(cap);
        expect(f.walBytes).toBeGreaterThan(0);
      }
      expect(run.maxLatestRowsPerFlushIncludingWarmup).toBeLessThanOrEqual(cap);
    }
    expect(json.runs[0]!.maxLatestRowsPerFlushIncludingWarmup).toBe(50); // the cap binds: 200 partitions
    const admin = createDb(adminUrl(), 1);
    try {
      const left = await admin.$client.query('select datname from pg_database where datname like $1', [
        `ferry\\_bench\\_metrics\\_${r.pid}\\_%`,
      ]);
      expect(left.rows).toEqual([]);
    } finally {
      await admin.$client.end();
    }
  });
});
