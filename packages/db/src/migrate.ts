import { join } from 'node:path';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { createDb } from './client.ts';
import { adminUrl, databaseUrl } from './env.ts';

/** Where the SQL migrations are (computed on use: bundlers such as Next's do not provide import.meta.dirname). */
export function migrationsFolder(): string {
  return process.env.FERRY_MIGRATIONS_DIR ?? join(import.meta.dirname ?? '.', '..', 'drizzle');
}

/** Creates the database when it does not exist (the server must). */
export async function ensureDatabase(url = databaseUrl()): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  try {
    const r = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (r.rowCount === 0) await admin.query(`create database "${name.replaceAll('"', '""')}"`);
  } finally {
    await admin.end();
  }
}

/** Applies every pending Drizzle migration. Safe to run concurrently: Postgres serialises it with a lock. */
export async function migrateDatabase(url = databaseUrl()): Promise<void> {
  await ensureDatabase(url);
  const db = createDb(url, 1);
  try {
    await db.$client.query('select pg_advisory_lock(727272)');
    await migrate(db, { migrationsFolder: migrationsFolder() });
    await db.$client.query('select pg_advisory_unlock(727272)');
  } finally {
    await db.$client.end();
  }
}
