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

  it('secrets rotate re-encrypts every cluster secret with the current key, bound to its endpoint', async () => {
    const url = withDatabase(adminUrl(), dbName);
    expect(ferry(['db', 'migrate', '--url', url]).code).toBe(0);
    const { randomBytes } = await import('node:crypto');
    const { createDb, schema, clusterSecrets } = await import('@ferry/db');
    const { clusterSecretContext, parseSecretKey, seal } = await import('@ferry/core/secret-box');
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const db = createDb(url, 1);
    try {
      const [team] = await db
        .insert(schema.teams)
        .values({ name: 'rot', slug: `rot-${process.pid}` })
        .returning();
      const [row] = await db
        .insert(schema.clusters)
        .values({
          teamId: team!.id,
          name: 'c1',
          bootstrapServers: '127.0.0.1:1',
          securityProtocol: 'SASL_PLAINTEXT',
          settings: { sasl: { mechanism: 'PLAIN', username: 'u' } },
          secrets: seal({ saslPassword: 'rotate-me' }, parseSecretKey('old', oldKey)) as never,
        })
        .returning();
      // an OAUTHBEARER cluster: its client secret sealed (v2) bound to the token endpoint as well
      const oauthId = (await import('node:crypto')).randomUUID();
      const oauthSettings = {
        sasl: { mechanism: 'OAUTHBEARER', tokenEndpointUrl: 'https://idp.example/token', clientId: 'ferry' },
      };
      const oauthEndpoint = { id: oauthId, bootstrapServers: '127.0.0.1:2', securityProtocol: 'SASL_SSL' };
      await db.insert(schema.clusters).values({
        teamId: team!.id,
        name: 'c2',
        ...oauthEndpoint,
        securityProtocol: 'SASL_SSL',
        settings: oauthSettings,
        secrets: seal(
          { oauthClientSecret: 'rotate-me-too' },
          parseSecretKey('old', oldKey),
          clusterSecretContext({ ...oauthEndpoint, tokenEndpointUrl: 'https://idp.example/token' }),
        ) as never,
      });
      const env = {
        FERRY_SECRET_KEY: newKey,
        FERRY_SECRET_KEY_ID: 'new',
        FERRY_SECRET_KEY_PREVIOUS: `old:${oldKey}`,
      };
      const r = ferry(['secrets', 'rotate', '--url', url], env);
      const { eq } = await import('drizzle-orm');
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/2 re-encrypted with key "new", 0 already current, 0 unreadable/);
      expect(r.out + r.err).not.toContain('rotate-me');
      const [oauthAfter] = await db.select().from(schema.clusters).where(eq(schema.clusters.id, oauthId));
      expect(oauthAfter!.secrets).toMatchObject({ v: 2, keyId: 'new' });
      expect(clusterSecrets(oauthAfter!, [parseSecretKey('new', newKey)])).toEqual({
        oauthClientSecret: 'rotate-me-too',
      });
      // still bound to the token endpoint after rotation
      const repointed = {
        ...oauthAfter!,
        settings: { sasl: { ...oauthSettings.sasl, tokenEndpointUrl: 'https://attacker.example/token' } },
      };
      expect(() => clusterSecrets(repointed, [parseSecretKey('new', newKey)])).toThrow(
        /another cluster endpoint/,
      );
      const [after] = await db.select().from(schema.clusters).where(eq(schema.clusters.id, row!.id));
      expect(after!.secrets).toMatchObject({ v: 2, keyId: 'new' });
      expect(clusterSecrets(after!, [parseSecretKey('new', newKey)])).toEqual({ saslPassword: 'rotate-me' });
      expect(ferry(['secrets', 'rotate', '--url', url], env).out).toMatch(
        /0 re-encrypted.*2 already current/,
      );
    } finally {
      await db.$client.end();
    }
  });
});
