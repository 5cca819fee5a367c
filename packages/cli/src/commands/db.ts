import type { Command } from 'commander';

// @ferry/db (drizzle, pg, the schema) is loaded by the commands that use it: it costs ~130 MB RSS and seconds
// of start-up that `ferry run` never needs.

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
      const { databaseUrl, migrateDatabase } = await import('@ferry/db');
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
