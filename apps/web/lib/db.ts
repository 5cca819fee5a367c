import { createDb, type Db } from '@ferry/db';
import { env } from './env.ts';

const g = globalThis as unknown as { ferryDb?: Db };

/** One pool per process (kept across dev hot reloads). */
export function db(): Db {
  g.ferryDb ??= createDb(env().databaseUrl);
  return g.ferryDb;
}
