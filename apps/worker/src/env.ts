import { parseSecretKey, type SecretKey } from '@ferry/core/secret-box';

/** The worker's configuration, read once from the environment (STYLE.md habit 9). */
export interface WorkerEnv {
  databaseUrl: string;
  redisUrl: string;
  /** Port of /healthz, /readyz and /metrics. 0 picks a free port. */
  httpPort: number;
  httpHost: string;
  logLevel: string;
  /** Keys that open cluster secrets: the current one first, then FERRY_SECRET_KEY_PREVIOUS. Empty when unset. */
  keyring: SecretKey[];
  /** BullMQ/Redis key prefix of this installation. */
  redisPrefix: string;
  /** How often desired state is reconciled (a repeating job on the reconcile queue). */
  reconcileIntervalMs: number;
  /** How often each enabled flow's topics, partitions and groups are discovered again. */
  discoveryIntervalMs: number;
  /** SIGTERM: the drain gets this long; then what is not committed is abandoned (its transactions abort)
   * and the process exits 1. Unreachable brokers, Redis or Postgres never keep a worker alive longer. */
  shutdownTimeoutMs: number;
}

export class WorkerEnvError extends Error {
  readonly code = 'INVALID_WORKER_ENV';
}

export function readWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const port = Number(env.FERRY_WORKER_PORT ?? 9464);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new WorkerEnvError(
      `FERRY_WORKER_PORT must be a port number 0-65535, got "${env.FERRY_WORKER_PORT}"`,
    );
  }
  return {
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/ferry',
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    httpPort: port,
    httpHost: env.FERRY_WORKER_HOST ?? '127.0.0.1',
    logLevel: env.LOG_LEVEL ?? 'info',
    keyring: readKeyring(env),
    redisPrefix: env.FERRY_REDIS_PREFIX ?? 'ferry',
    reconcileIntervalMs: intervalMs(env, 'FERRY_RECONCILE_INTERVAL_MS', 1000),
    discoveryIntervalMs: intervalMs(env, 'FERRY_DISCOVERY_INTERVAL_MS', 10_000),
    shutdownTimeoutMs: intervalMs(env, 'FERRY_SHUTDOWN_TIMEOUT_MS', 30_000),
  };
}

function intervalMs(env: NodeJS.ProcessEnv, name: string, def: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 100 || n > 86_400_000)
    throw new WorkerEnvError(
      `${name} must be a whole number of milliseconds from 100 to 86400000, got "${raw}"`,
    );
  return n;
}

function readKeyring(env: NodeJS.ProcessEnv): SecretKey[] {
  const keys: SecretKey[] = [];
  try {
    if (env.FERRY_SECRET_KEY)
      keys.push(parseSecretKey(env.FERRY_SECRET_KEY_ID ?? 'k1', env.FERRY_SECRET_KEY));
    if (env.FERRY_SECRET_KEY_PREVIOUS) {
      const [id, key] = env.FERRY_SECRET_KEY_PREVIOUS.split(':');
      keys.push(parseSecretKey(id ?? '', key ?? ''));
    }
  } catch (e) {
    throw new WorkerEnvError((e as Error).message);
  }
  return keys;
}
