import type { Command } from 'commander';

export function registerSecretsCommands(program: Command): void {
  const secrets = program.command('secrets').description('Cluster secrets sealed in the database');
  secrets
    .command('rotate')
    .description(
      're-encrypt every stored cluster secret with the current key (FERRY_SECRET_KEY, FERRY_SECRET_KEY_ID); ' +
        'FERRY_SECRET_KEY_PREVIOUS ("id:base64", comma-separated) lists the keys that still open old ones',
    )
    .option('--url <url>', 'Postgres URL (default $DATABASE_URL)')
    .action(async (o: { url?: string }) => {
      // loaded here, not at start-up: see db.ts
      const { createDb, databaseUrl, keyringFromEnv, rotateClusterSecrets } = await import('@ferry/db');
      const keyring = keyringFromEnv();
      const db = createDb(o.url ?? databaseUrl(), 2);
      try {
        const r = await rotateClusterSecrets(db, keyring);
        console.log(
          `secrets rotate: ${r.rotated} re-encrypted with key "${keyring[0]!.id}", ${r.current} already current, ${r.failed.length} unreadable`,
        );
        for (const f of r.failed) console.error(`  cluster ${f.cluster}: ${f.reason}`);
        if (r.failed.length) process.exitCode = 1;
      } finally {
        await db.$client.end();
      }
    });
}
