/**
 * Playwright's web server: a fresh, migrated database and `next start` on the given port.
 * Builds apps/web first (FERRY_E2E_SKIP_BUILD=1 reuses an existing build).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { adminUrl, databaseUrl, migrateDatabase, withDatabase } from '@ferry/db';
import pg from 'pg';

const port = process.argv[2] ?? '3210';
const root = join(import.meta.dirname, '..');
const web = join(root, 'apps', 'web');
const name = `ferry_e2e_${port}`;
const url = withDatabase(databaseUrl(), name);

const admin = new pg.Client({ connectionString: adminUrl() });
await admin.connect();
await admin.query(`drop database if exists "${name}" with (force)`);
await admin.end();
await migrateDatabase(url);

// The web server and the worker share one Redis key prefix of their own: the control jobs the web app
// enqueues (connection tests, verification) reach this worker, never a dev stack's.
const redisPrefix = `ferry-e2e-${port}-${Date.now()}`;
const next = join(root, 'node_modules', 'next', 'dist', 'bin', 'next');
if (process.env.FERRY_E2E_SKIP_BUILD !== '1' || !existsSync(join(web, '.next', 'BUILD_ID'))) {
  const b = spawnSync(process.execPath, [next, 'build'], {
    cwd: web,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const child = spawn(process.execPath, [next, 'start', '-p', port], {
  cwd: web,
  stdio: 'inherit',
  env: {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    DATABASE_URL: url,
    BETTER_AUTH_URL: `http://localhost:${port}`,
    BETTER_AUTH_SECRET: process.env.BETTER_AUTH_SECRET ?? 'e2e-only-auth-secret-0123456789abcdef',
    FERRY_SECRET_KEY:
      process.env.FERRY_SECRET_KEY ?? Buffer.from('e2e-only-secret-key-32-bytes-ok!').toString('base64'),
    FERRY_SECRET_KEY_ID: 'e2e',
    FERRY_REDIS_PREFIX: redisPrefix,
  },
});
// A real worker beside the web server, on the same database, so enabled flows replicate.
const worker = spawn(process.execPath, [join(root, 'apps', 'worker', 'src', 'main.ts')], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    DATABASE_URL: url,
    FERRY_WORKER_PORT: '0',
    FERRY_REDIS_PREFIX: redisPrefix,
    FERRY_EXIT_WITH_PARENT: '1',
    LOG_LEVEL: 'warn',
    FERRY_SECRET_KEY:
      process.env.FERRY_SECRET_KEY ?? Buffer.from('e2e-only-secret-key-32-bytes-ok!').toString('base64'),
    FERRY_SECRET_KEY_ID: 'e2e',
  },
});
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    worker.kill('SIGTERM');
    child.kill(sig);
  });
child.on('exit', (code) => {
  worker.kill('SIGTERM');
  process.exit(code ?? 0);
});
