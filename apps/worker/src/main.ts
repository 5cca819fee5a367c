import { hostname } from 'node:os';
import { createDb } from '@ferry/db';
import { Redis } from 'ioredis';
import pino from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { readWorkerEnv } from './env.ts';
import { startHttpServer } from './http-server.ts';

const env = readWorkerEnv();
const log = pino({ level: env.logLevel, base: { component: 'worker', host: hostname(), pid: process.pid } });

const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'ferry_worker_' });

const db = createDb(env.databaseUrl, 4);
const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
redis.on('error', (e) => log.child({ component: 'redis' }).warn({ err: e.message }, 'redis connection problem'));

const { server, port } = await startHttpServer({
  host: env.httpHost,
  port: env.httpPort,
  registry,
  checks: {
    postgres: async () => {
      try {
        await db.$client.query('select 1');
        return { ok: true };
      } catch (e) {
        return { ok: false, reason: `postgres: ${(e as Error).message}` };
      }
    },
    redis: async () => {
      try {
        return (await redis.ping()) === 'PONG' ? { ok: true } : { ok: false, reason: 'redis: unexpected PING reply' };
      } catch (e) {
        return { ok: false, reason: `redis: ${(e as Error).message}` };
      }
    },
  },
});
log.info({ port }, `worker listening on http://${env.httpHost}:${port} (/healthz, /readyz, /metrics)`);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'draining and exiting');
  server.close();
  await Promise.allSettled([redis.quit(), db.$client.end()]);
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
