import type { ClusterSecrets } from '@ferry/core';
import { open, type SecretEnvelope, type SecretKey, seal } from '@ferry/core/secret-box';
import { eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { rotateOidcSecret } from '../instance/oidc-settings.ts';
import { clusters } from '../schema/replication.ts';
import { secretContextOf } from './cluster-view.ts';

export interface RotateReport {
  rotated: number;
  current: number;
  /** Clusters whose secrets no key of the keyring opens (names only). */
  failed: { cluster: string; reason: string }[];
}

/**
 * Re-seals every cluster's secrets with the keyring's first (current) key, bound to the cluster's endpoint
 * (envelope v2). Rows already sealed that way are left alone. Each row is locked while it is re-sealed.
 * The instance's OpenID Connect client secret (if stored) is re-sealed too and counted with them.
 */
export async function rotateClusterSecrets(db: Db, keyring: readonly SecretKey[]): Promise<RotateReport> {
  const current = keyring[0];
  if (!current) throw new Error('no current secret key');
  const report: RotateReport = { rotated: 0, current: 0, failed: [] };
  const ids = await db.select({ id: clusters.id }).from(clusters).where(isNotNull(clusters.secrets));
  for (const { id } of ids)
    await db.transaction(async (tx) => {
      const [row] = await tx.select().from(clusters).where(eq(clusters.id, id)).for('update');
      if (!row?.secrets) return;
      const env = row.secrets as unknown as SecretEnvelope;
      if (env.v === 2 && env.keyId === current.id) {
        report.current++;
        return;
      }
      let plain: ClusterSecrets;
      try {
        plain = open<ClusterSecrets>(env, keyring, secretContextOf(row));
      } catch (e) {
        report.failed.push({ cluster: row.name, reason: (e as Error).message });
        return;
      }
      const sealed = seal(plain, current, secretContextOf(row));
      await tx
        .update(clusters)
        .set({ secrets: sealed as unknown as Record<string, string> })
        .where(eq(clusters.id, id));
      report.rotated++;
    });
  const oidc = await rotateOidcSecret(db, keyring);
  if (oidc === 'rotated') report.rotated++;
  else if (oidc === 'current') report.current++;
  else if (oidc !== 'none') report.failed.push({ cluster: '(OIDC client secret)', reason: oidc.failed });
  return report;
}
export { keyringFromEnv } from '@ferry/core/secret-box';
