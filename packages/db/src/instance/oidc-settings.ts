import type { Role } from '@ferry/core';
import { open, type SecretEnvelope, type SecretKey, seal } from '@ferry/core/secret-box';
import { eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { instanceSettings } from '../schema/instance.ts';

/**
 * The OpenID Connect provider of the installation, stored as the instance setting `oidc`. The client secret
 * is sealed (AES-256-GCM, version 2) with the issuer and client id as its context, so the sealed secret only
 * opens for the provider it was typed for: changing the issuer or client id needs the secret again (the
 * API enforces it; a row edited behind its back does not open). Never returned by any route.
 */
export interface OidcRule {
  group: string;
  team: string;
  role: Role;
}

export interface StoredOidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: SecretEnvelope;
  name: string;
  scopes: string[];
  groupsClaim: string;
  groupMap: OidcRule[];
}

export interface OidcSettings extends Omit<StoredOidcSettings, 'clientSecret'> {
  clientSecret: string;
}

const KEY = 'oidc';

export const oidcSecretContext = (issuer: string, clientId: string) =>
  JSON.stringify(['ferry.instance.oidc', issuer, clientId]);

export async function getStoredOidcSettings(db: Db): Promise<StoredOidcSettings | null> {
  const [r] = await db.select().from(instanceSettings).where(eq(instanceSettings.key, KEY));
  return (r?.value as StoredOidcSettings | undefined) ?? null;
}

/** The stored settings with the client secret opened, or null when none are stored. */
export async function getOidcSettings(db: Db, keyring: readonly SecretKey[]): Promise<OidcSettings | null> {
  const s = await getStoredOidcSettings(db);
  if (!s) return null;
  const clientSecret = open<string>(s.clientSecret, keyring, oidcSecretContext(s.issuer, s.clientId));
  return { ...s, clientSecret };
}

export async function saveOidcSettings(db: Db, key: SecretKey, s: OidcSettings): Promise<void> {
  const value: StoredOidcSettings = {
    ...s,
    clientSecret: seal(s.clientSecret, key, oidcSecretContext(s.issuer, s.clientId)),
  };
  await db
    .insert(instanceSettings)
    .values({ key: KEY, value })
    .onConflictDoUpdate({ target: instanceSettings.key, set: { value, updatedAt: new Date() } });
}

export async function deleteOidcSettings(db: Db): Promise<void> {
  await db.delete(instanceSettings).where(eq(instanceSettings.key, KEY));
}

/** Re-seals the stored client secret with the current key (`ferry secrets rotate`). */
export async function rotateOidcSecret(
  db: Db,
  keyring: readonly SecretKey[],
): Promise<'none' | 'current' | 'rotated' | { failed: string }> {
  const current = keyring[0];
  if (!current) throw new Error('no current secret key');
  return db.transaction(async (tx) => {
    const [r] = await tx.select().from(instanceSettings).where(eq(instanceSettings.key, KEY)).for('update');
    const s = r?.value as StoredOidcSettings | undefined;
    if (!s) return 'none';
    if (s.clientSecret.v === 2 && s.clientSecret.keyId === current.id) return 'current';
    const context = oidcSecretContext(s.issuer, s.clientId);
    let plain: string;
    try {
      plain = open<string>(s.clientSecret, keyring, context);
    } catch (e) {
      return { failed: (e as Error).message };
    }
    const value: StoredOidcSettings = { ...s, clientSecret: seal(plain, current, context) };
    await tx
      .update(instanceSettings)
      .set({ value, updatedAt: new Date() })
      .where(eq(instanceSettings.key, KEY));
    return 'rotated';
  });
}
