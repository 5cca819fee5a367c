import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminUrl, withDatabase } from '@ferry/db';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'bin', 'ferry.js');
const ferry = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const dbName = `ferry_cli_${process.pid}`;
afterAll(async () => {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  await c.query(`drop database if exists ${dbName} with (force)`);
  await c.end();
});

describe('ferry CLI', () => {
  it('lists its commands', () => {
    const r = ferry(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stack/);
    expect(r.out).toMatch(/db/);
  });

  it('reports an unknown command with help and a non-zero exit', () => {
    const r = ferry(['stak']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/unknown command 'stak'/);
  });

  it('prints an empty stack as JSON', () => {
    const r = ferry(['stack', '--state-dir', mkdtempSync(join(tmpdir(), 'ferry-cli-')), 'status', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ clusters: [] });
  });

  it('creates and migrates a database on real Postgres, twice without harm', async () => {
    const url = withDatabase(adminUrl(), dbName);
    for (let i = 0; i < 2; i++) {
      const r = ferry(['db', 'migrate', '--url', url]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/^migrated /);
    }
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const t = await c.query(
      "select count(*)::int as n from information_schema.tables where table_schema='public' and table_name in ('clusters','flows')",
    );
    await c.end();
    expect(t.rows[0].n).toBe(2);
  });

  it('says plainly when Postgres is unreachable', () => {
    const r = ferry(['db', 'migrate', '--url', 'postgres://nobody:pw@127.0.0.1:1/x']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('cannot reach Postgres at postgres://nobody:***@127.0.0.1:1/x');
  });
});
