import type { ClusterSecrets, ClusterSettings, ClusterView } from '@ferry/core';
import { clusterSecretContext, open, type SecretEnvelope, type SecretKey } from '@ferry/core/secret-box';
import type { clusters } from '../schema/replication.ts';

export type ClusterRow = typeof clusters.$inferSelect;

/** The API shape of a cluster: settings, and only *whether* secrets are stored. */
export function clusterView(row: ClusterRow): ClusterView {
  const s = row.settings as ClusterSettings;
  const flags =
    (row.settings as { stored?: { saslPassword?: boolean; oauthClientSecret?: boolean; tlsKey?: boolean } })
      .stored ?? {};
  return {
    id: row.id,
    name: row.name,
    bootstrapServers: row.bootstrapServers,
    securityProtocol: row.securityProtocol,
    sasl: !s.sasl
      ? null
      : s.sasl.mechanism === 'OAUTHBEARER'
        ? {
            mechanism: 'OAUTHBEARER',
            tokenEndpointUrl: s.sasl.tokenEndpointUrl,
            clientId: s.sasl.clientId,
            scope: s.sasl.scope ?? null,
            hasClientSecret: Boolean(flags.oauthClientSecret),
          }
        : {
            mechanism: s.sasl.mechanism,
            username: s.sasl.username,
            hasPassword: Boolean(flags.saslPassword),
          },
    tls:
      s.tls || flags.tlsKey
        ? { caPem: s.tls?.caPem ?? null, certPem: s.tls?.certPem ?? null, hasKey: Boolean(flags.tlsKey) }
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Decrypts a cluster's secrets, for connecting to it. Never put the result in a response or a log. */
export function clusterSecrets(row: ClusterRow, keyring: readonly SecretKey[]): ClusterSecrets {
  return row.secrets
    ? open<ClusterSecrets>(row.secrets as unknown as SecretEnvelope, keyring, secretContextOf(row))
    : {};
}

/** The endpoint a row's secrets are sealed to (id, bootstrap servers, protocol, CA, OAuth token endpoint). */
export function secretContextOf(
  row: Pick<ClusterRow, 'id' | 'bootstrapServers' | 'securityProtocol' | 'settings'>,
) {
  const s = row.settings as ClusterSettings;
  return clusterSecretContext({
    id: row.id,
    bootstrapServers: row.bootstrapServers,
    securityProtocol: row.securityProtocol,
    caPem: s.tls?.caPem ?? null,
    tokenEndpointUrl: s.sasl?.mechanism === 'OAUTHBEARER' ? s.sasl.tokenEndpointUrl : null,
  });
}
