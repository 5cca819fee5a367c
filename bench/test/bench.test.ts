import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The benchmark itself, small: one pair, one mode, against the real test stack. */
describe('bench', () => {
  it('replicates with one ferry run task, prints the table and writes the JSON result', () => {
    const r = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'src', 'main.ts')], {
      encoding: 'utf8',
      timeout: 240_000,
      env: { ...process.env, BENCH_RECORDS: '3000', BENCH_PAIRS: 'east:west', BENCH_MODES: 'exactly-once' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\| pair \| Kafka \| mode \| records\/s \| MB\/s/);
    const file = /written (\S+\.json)/.exec(r.stdout)?.[1];
    expect(file).toBeDefined();
    const json = JSON.parse(readFileSync(file!, 'utf8')) as {
      results: Array<Record<string, number | string>>;
    };
    expect(json.results).toHaveLength(1);
    expect(json.results[0]).toMatchObject({
      pair: 'east->west',
      mode: 'exactly-once',
      records: 3000,
      recordBytes: 1024,
    });
    expect(json.results[0]!.recordsPerSec as number).toBeGreaterThan(0);
    expect(json.results[0]!.transactions as number).toBeGreaterThan(0);
  });
});
