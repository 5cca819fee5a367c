import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/**
 * `next start` of apps/web's production build on `port` against `databaseUrl`, for the browser benchmarks
 * (observability-read.ts, observability-wait-probe.ts): bench-only secrets, a Redis key prefix of its own.
 */
export function startNextServer(
  root: string,
  port: number,
  databaseUrl: string,
  redisPrefix: string,
): ChildProcess {
  return spawn(
    process.execPath,
    [join(root, 'node_modules', 'next', 'dist', 'bin', 'next'), 'start', '-p', String(port)],
    {
      cwd: join(root, 'apps', 'web'),
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        DATABASE_URL: databaseUrl,
        BETTER_AUTH_URL: `http://localhost:${port}`,
        BETTER_AUTH_SECRET: 'bench-only-auth-secret-0123456789abcdef',
        FERRY_SECRET_KEY: Buffer.from('bench-only-secret-key-32-bytes!!').toString('base64'),
        FERRY_REDIS_PREFIX: redisPrefix,
      },
    },
  );
}
