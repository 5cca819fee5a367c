import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { databaseUrl } from './env.ts';
import * as schema from './schema/index.ts';

export type Db = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export function createDb(url = databaseUrl(), max = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle client's error (e.g. Postgres restarted) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  return drizzle(pool, { schema }) as Db;
}
