import { createHash } from 'node:crypto';
import { getOidcSettings } from '@ferry/db';
import { db } from '../db.ts';
import { env } from '../env.ts';
import type { GroupRule } from './group-map.ts';

/**
 * The OpenID Connect provider in force: the environment's (FERRY_OIDC_*) if set, else the instance setting
 * an admin stored (PUT /api/v1/instance/sso), else none. Read per auth request (cached 2 s per process, and
 * dropped at once when this process changes it), so a change needs no restart.
 */
export const OIDC_PROVIDER_ID = 'oidc';

export interface OidcConfig {
  source: 'env' | 'instance';
  issuer: string;
  clientId: string;
  clientSecret: string;
  name: string;
  scopes: string[];
  groupsClaim: string;
  groupMap: GroupRule[];
}

const TTL_MS = 2000;
let cache: { at: number; value: OidcConfig | null } | undefined;

export function forgetOidcConfig() {
  cache = undefined;
}

export async function currentOidcConfig(): Promise<OidcConfig | null> {
  const e = env();
  if (e.oidc) return { source: 'env', ...e.oidc };
  if (cache && Date.now() - cache.at < TTL_MS) return cache.value;
  let value: OidcConfig | null = null;
  try {
    const s = await getOidcSettings(db(), e.keyring);
    if (s) value = { source: 'instance', ...s };
  } catch (err) {
    // A secret no key of the keyring opens (key rotated away, row edited): SSO is off until an admin re-enters it.
    console.error(`OIDC settings unusable, SSO sign-in is off: ${(err as Error).message}`);
  }
  cache = { at: Date.now(), value };
  return value;
}

/** Changes whenever anything the auth instance is built from changes (the secret only as a hash). */
export function oidcFingerprint(c: OidcConfig | null): string {
  return c ? createHash('sha256').update(JSON.stringify(c)).digest('hex') : 'none';
}
