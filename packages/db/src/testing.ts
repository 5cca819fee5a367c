import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from './client.ts';
import { adminUrl, databaseUrl, withDatabase } from './env.ts';
import { migrateDatabase } from './migrate.ts';
import * as schema from './schema/index.ts';

/**
 * One migrated template database per test run, cloned into one database per Vitest worker
 * (STYLE.md habit 10). Names carry the run's id so parallel runs never share a database.
 */
const q = (n: string) => `"${n.replaceAll('"', '""')}"`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export function templateName(runId: string): string {
  return `ferry_tpl_${runId}`;
}

/** Global setup: (re)create and migrate the template. Returns its name. */
export async function createTemplateDatabase(runId: string): Promise<string> {
  const name = templateName(runId);
  await admin((c) => c.query(`drop database if exists ${q(name)} with (force)`));
  await migrateDatabase(withDatabase(databaseUrl(), name));
  return name;
}

export async function dropDatabases(prefix: string): Promise<void> {
  await admin(async (c) => {
    const r = await c.query<{ datname: string }>('select datname from pg_database where datname like $1', [
      `${prefix}%`,
    ]);
    for (const row of r.rows) await c.query(`drop database if exists ${q(row.datname)} with (force)`);
  });
}

/** A fresh database cloned from the run's template, for one worker or one test. Returns its URL. */
export async function cloneTemplate(runId: string, suffix: string): Promise<string> {
  const name = `ferry_t_${runId}_${suffix}`;
  await admin(async (c) => {
    await c.query(`drop database if exists ${q(name)} with (force)`);
    await c.query(`create database ${q(name)} template ${q(templateName(runId))}`);
  });
  return withDatabase(databaseUrl(), name);
}

export async function testDb(runId: string, suffix: string): Promise<{ db: Db; url: string }> {
  const url = await cloneTemplate(runId, suffix);
  return { db: createDb(url, 4), url };
}

/**
 * A team with two clusters and one flow between them, in a test database: what the control plane would have
 * stored. Bootstrap servers default to unreachable addresses for tests that never connect.
 */
export async function seedFlow(
  db: Db,
  flow: Partial<typeof schema.flows.$inferInsert> = {},
  bootstrap: { source: string; target: string } = { source: '127.0.0.1:1', target: '127.0.0.1:2' },
): Promise<{ teamId: string; sourceId: string; targetId: string; flowId: string }> {
  const [team] = await db
    .insert(schema.teams)
    .values({ name: 'T', slug: `t-${randomBytes(4).toString('hex')}` })
    .returning();
  const [a, b] = await db
    .insert(schema.clusters)
    .values([
      { teamId: team!.id, name: 'east', bootstrapServers: bootstrap.source },
      { teamId: team!.id, name: 'west', bootstrapServers: bootstrap.target },
    ])
    .returning();
  const [f] = await db
    .insert(schema.flows)
    .values({ teamId: team!.id, name: 'f', sourceClusterId: a!.id, targetClusterId: b!.id, ...flow })
    .returning();
  return { teamId: team!.id, sourceId: a!.id, targetId: b!.id, flowId: f!.id };
}
