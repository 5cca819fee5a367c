import { parseSecretKey, type SecretKey } from '@ferry/core/secret-box';
import { z } from 'zod';
import { cidrBlockList, parseCidrList } from './client-ip.ts';
import { type GroupRule, parseGroupMap } from './sso/group-map.ts';
import { checkIssuer } from './sso/issuer.ts';

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
 *   FERRY_OIDC_ISSUER     OpenID Connect issuer URL: sign-in through that provider (with the next three;
 *                         otherwise an instance admin may configure it, PUT /api/v1/instance/sso)
 *   FERRY_OIDC_CLIENT_ID, FERRY_OIDC_CLIENT_SECRET  the client registered at the provider
 *   FERRY_OIDC_GROUP_MAP  group=teamSlug:role, … (sso/group-map.ts)
 *   FERRY_OIDC_NAME       button label (default "SSO"); FERRY_OIDC_SCOPES (default "openid email profile");
 *   FERRY_OIDC_GROUPS_CLAIM  claim holding the groups (default "groups")
 *   FERRY_SMTP_URL        smtp:// or smtps:// URL (credentials in it) of the mail relay: sign-up then sends a
 *                         verification mail, and invitations need a verified email
 *   FERRY_MAIL_FROM       sender of those mails (default "Ferry <ferry@localhost>")
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
  FERRY_OIDC_ISSUER: z
    .string()
    .optional()
    .superRefine((v, c) => {
      const r = v ? checkIssuer(v) : null;
      if (r && !r.ok) c.addIssue({ code: 'custom', message: r.reason });
    }),
  FERRY_OIDC_CLIENT_ID: z.string().optional(),
  FERRY_OIDC_CLIENT_SECRET: z.string().optional(),
  FERRY_OIDC_NAME: z.string().max(40).default('SSO'),
  FERRY_OIDC_SCOPES: z.string().default('openid email profile'),
  FERRY_OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  FERRY_OIDC_GROUP_MAP: z
    .string()
    .optional()
    .superRefine((v, c) => {
      const r = parseGroupMap(v);
      if (!r.ok) c.addIssue({ code: 'custom', message: r.reason });
    }),
  FERRY_SMTP_URL: z
    .string()
    .optional()
    .refine((v) => !v || /^smtps?:\/\/[^\s]+$/.test(v), 'an smtp:// or smtps:// URL'),
  FERRY_MAIL_FROM: z.string().default('Ferry <ferry@localhost>'),
});

/** An OpenID Connect provider configured by environment (the instance setting is read at request time). */
export interface EnvOidc {
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string[];
  groupsClaim: string;
  groupMap: GroupRule[];
}

export interface Env {
  databaseUrl: string;
  keyring: SecretKey[];
  authSecret: string;
  baseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  trustedProxies: string[];
  oidc: EnvOidc | null;
  smtp: { url: string; from: string } | null;
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
  if (e.FERRY_OIDC_ISSUER && (!e.FERRY_OIDC_CLIENT_ID || !e.FERRY_OIDC_CLIENT_SECRET))
    throw new Error(
      'Ferry cannot start: invalid configuration\n  FERRY_OIDC_ISSUER is set: FERRY_OIDC_CLIENT_ID and FERRY_OIDC_CLIENT_SECRET are needed too',
    );
  const groupMap = parseGroupMap(e.FERRY_OIDC_GROUP_MAP);
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
    oidc: e.FERRY_OIDC_ISSUER
      ? {
          issuer: e.FERRY_OIDC_ISSUER.replace(/\/+$/, ''),
          clientId: e.FERRY_OIDC_CLIENT_ID ?? '',
          clientSecret: e.FERRY_OIDC_CLIENT_SECRET ?? '',
          name: e.FERRY_OIDC_NAME,
          scopes: e.FERRY_OIDC_SCOPES.split(/[\s,]+/).filter(Boolean),
          groupsClaim: e.FERRY_OIDC_GROUPS_CLAIM,
          groupMap: groupMap.ok ? groupMap.rules : [],
        }
      : null,
    smtp: e.FERRY_SMTP_URL ? { url: e.FERRY_SMTP_URL, from: e.FERRY_MAIL_FROM } : null,
  };
}

export function env(): Env {
  cached ??= readEnv();
  return cached;
}
