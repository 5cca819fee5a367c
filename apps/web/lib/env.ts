import { parseSecretKey, type SecretKey } from '@ferry/core/secret-box';
import { z } from 'zod';
import { cidrBlockList, parseCidrList } from './client-ip.ts';

/**
 * The app's configuration, read once and validated (STYLE.md habit 9). Development and test get documented
 * defaults; production refuses to start without real secrets.
 *   DATABASE_URL          Postgres (default postgres://postgres@127.0.0.1:5432/ferry)
 *   FERRY_SECRET_KEY      base64 of 32 random bytes; seals cluster secrets (AES-256-GCM)
 *   FERRY_SECRET_KEY_ID   id stored with each sealed secret (default "k1")
 *   FERRY_SECRET_KEY_PREVIOUS  optional "id:base64" of the previous key, still used to open (rotation)
 *   BETTER_AUTH_SECRET    32+ characters; signs session cookies
 *   BETTER_AUTH_URL       public URL of the app (default http://localhost:3000)
 *   REDIS_URL             Redis of the workers' queues (default redis://127.0.0.1:6379)
 *   FERRY_REDIS_PREFIX    key prefix of this installation's queues (default "ferry", as the worker's)
 *   FERRY_TRUSTED_PROXIES CIDRs of reverse proxies whose X-Forwarded-For is believed (default: none, the
 *                         header is ignored)
 *   FERRY_ALLOW_SIGNUP, FERRY_ALLOW_TEAM_CREATION  "1" opens sign-up / team creation (read by @ferry/db)
 */
const DEV_SECRET_KEY = Buffer.from('ferry-dev-only-key-not-for-prod!').toString('base64'); // 32 bytes
const DEV_AUTH_SECRET = 'ferry-dev-only-auth-secret-not-for-production';

const schema = z.object({
  DATABASE_URL: z.string().default('postgres://postgres@127.0.0.1:5432/ferry'),
  FERRY_SECRET_KEY: z.string().min(1),
  FERRY_SECRET_KEY_ID: z.string().default('k1'),
  FERRY_SECRET_KEY_PREVIOUS: z.string().optional(),
  BETTER_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters'),
  BETTER_AUTH_URL: z.string().url().default('http://localhost:3000'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  FERRY_REDIS_PREFIX: z.string().min(1).default('ferry'),
  FERRY_TRUSTED_PROXIES: z
    .string()
    .optional()
    .refine((v) => {
      try {
        cidrBlockList(parseCidrList(v));
        return true;
      } catch {
        return false;
      }
    }, 'a comma-separated list of IP addresses or CIDRs'),
});

export interface Env {
  databaseUrl: string;
  keyring: SecretKey[];
  authSecret: string;
  baseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  trustedProxies: string[];
}

let cached: Env | undefined;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const dev = source.NODE_ENV === 'development' || source.NODE_ENV === 'test';
  const raw = {
    ...source,
    FERRY_SECRET_KEY: source.FERRY_SECRET_KEY ?? (dev ? DEV_SECRET_KEY : undefined),
    BETTER_AUTH_SECRET: source.BETTER_AUTH_SECRET ?? (dev ? DEV_AUTH_SECRET : undefined),
  };
  const r = schema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map(
      (i) =>
        `  ${i.path.join('.')}: ${i.message === 'Invalid input: expected string, received undefined' ? 'missing' : i.message}`,
    );
    throw new Error(
      `Ferry cannot start: invalid configuration\n${lines.join('\n')}\n` +
        'Set FERRY_SECRET_KEY to 32 random bytes in base64 (openssl rand -base64 32) and BETTER_AUTH_SECRET to a long random string.',
    );
  }
  const e = r.data;
  const keyring = [parseSecretKey(e.FERRY_SECRET_KEY_ID, e.FERRY_SECRET_KEY)];
  if (e.FERRY_SECRET_KEY_PREVIOUS) {
    const [id, key] = e.FERRY_SECRET_KEY_PREVIOUS.split(':');
    keyring.push(parseSecretKey(id ?? '', key ?? ''));
  }
  return {
    databaseUrl: e.DATABASE_URL,
    keyring,
    authSecret: e.BETTER_AUTH_SECRET,
    baseUrl: e.BETTER_AUTH_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.FERRY_REDIS_PREFIX,
    trustedProxies: parseCidrList(e.FERRY_TRUSTED_PROXIES),
  };
}

export function env(): Env {
  cached ??= readEnv();
  return cached;
}
