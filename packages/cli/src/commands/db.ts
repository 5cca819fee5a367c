import { databaseUrl, migrateDatabase } from '@ferry/db';
import type { Command } from 'commander';

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('The control-plane database (Postgres, $DATABASE_URL)');
  db.command('migrate')
    .description('create the database if missing and apply every pending migration')
    .option('--url <url>', 'Postgres URL (default $DATABASE_URL or postgres://postgres@127.0.0.1:5432/ferry)')
    .action(async (o: { url?: string }) => {
      const url = o.url ?? databaseUrl();
      const t0 = Date.now();
      try {
        await migrateDatabase(url);
      } catch (e) {
        const err = e as Error & { code?: string };
        if (err.code === 'ECONNREFUSED') {
          throw new Error(
            `cannot reach Postgres at ${redact(url)}: is it running? Set DATABASE_URL to point elsewhere.`,
          );
        }
        throw e;
      }
      console.log(`migrated ${redact(url)} in ${Date.now() - t0} ms`);
    });
}
