import { execFileSync } from 'node:child_process';
import { is } from 'drizzle-orm';
import { getTableConfig, type PgTable, PgTable as PgTableClass } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Db } from '../src/client.ts';
import * as schema from '../src/schema/index.ts';
import { testDb } from '../src/testing.ts';

const tables = (Object.values(schema) as unknown[]).filter((v): v is PgTable => is(v, PgTableClass));
let db: Db;

beforeAll(async () => {
  ({ db } = await testDb(inject('dbRunId'), `schema${process.env.VITEST_POOL_ID ?? '0'}`));
});
afterAll(async () => {
  await db?.$client.end();
});

describe('migrations', () => {
  it('create exactly the tables and columns the Drizzle schema declares', async () => {
    const r = await db.$client.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public' order by table_name, column_name`,
    );
    const actual: Record<string, string[]> = {};
    for (const row of r.rows) {
      actual[row.table_name] ??= [];
      actual[row.table_name]?.push(`${row.column_name}${row.is_nullable === 'NO' ? ' not null' : ''}`);
    }
    const expected: Record<string, string[]> = {};
    for (const t of tables) {
      const cfg = getTableConfig(t);
      expected[cfg.name] = cfg.columns.map((c) => `${c.name}${c.notNull ? ' not null' : ''}`).sort();
    }
    for (const k of Object.keys(actual)) actual[k]?.sort();
    expect(actual).toEqual(expected);
  });

  it('keep the flow columns the worker reads', () => {
    const cols = getTableConfig(schema.flows).columns.map((c) => c.name);
    expect(cols).toEqual(
      expect.arrayContaining([
        'id',
        'team_id',
        'name',
        'source_cluster_id',
        'target_cluster_id',
        'enabled',
        'config',
        'generation',
      ]),
    );
  });

  it('match the snapshot drizzle-kit generated (drizzle-kit check)', () => {
    const out = execFileSync('npx', ['drizzle-kit', 'check'], {
      cwd: `${import.meta.dirname}/..`,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toMatch(/Everything's fine/);
  });
});
