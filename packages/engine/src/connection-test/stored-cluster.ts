import type { ClusterCreate, ClusterSecrets, ClusterSettings, SecurityProtocol } from '@ferry/core';
import { clusterSecretContext, open, type SecretEnvelope, type SecretKey } from '@ferry/core/secret-box';
import type { ClusterConfig } from '../config/flow-config.ts';
import { FerryError } from '../errors.ts';

/**
 * The columns of a control-plane cluster row (packages/db `clusters`) that say how to reach the cluster:
 * non-secret settings in the clear, secrets sealed with the installation's key (@ferry/core/secret-box).
 */
export interface StoredCluster {
  /** The row id: version-2 secrets are bound to it (with bootstrap servers, protocol and CA). */
  id?: string;
  name: string;
  bootstrapServers: string;
  securityProtocol: SecurityProtocol;
  /** ClusterSettings (plus bookkeeping such as `stored` flags, ignored here). */
  settings: unknown;
  /** A SecretEnvelope of ClusterSecrets, or null when none are stored. */
  secrets: unknown;
}

/**
 * Opens a stored cluster's secrets with a keyring (current key first, then previous ones). The result lives
 * in memory only: never put it in a log, a response or a queue payload.
 * Throws FerryError SECRETS_UNREADABLE (not retriable) when no key of the keyring opens them.
 */
export function openClusterSecrets(row: StoredCluster, keyring: readonly SecretKey[]): ClusterSecrets {
  if (!row.secrets) return {};
  if (keyring.length === 0)
    throw new FerryError(
      'SECRETS_UNREADABLE',
      `cluster ${row.name} has stored secrets but this process has no FERRY_SECRET_KEY to open them`,
      { context: { cluster: row.name } },
    );
  try {
    const settings = (row.settings ?? {}) as ClusterSettings;
    const context = row.id
      ? clusterSecretContext({
          id: row.id,
          bootstrapServers: row.bootstrapServers,
          securityProtocol: row.securityProtocol,
          caPem: settings.tls?.caPem ?? null,
          tokenEndpointUrl:
            settings.sasl?.mechanism === 'OAUTHBEARER' ? settings.sasl.tokenEndpointUrl : null,
        })
      : undefined;
    return open<ClusterSecrets>(row.secrets as SecretEnvelope, keyring, context);
  } catch (e) {
    throw new FerryError('SECRETS_UNREADABLE', (e as Error).message, {
      context: { cluster: row.name },
      cause: e,
    });
  }
}

/**
 * How the engine reaches a stored cluster. SASL applies only to SASL_* protocols and TLS only to SSL and
 * SASL_SSL (a row that switched protocol may still carry the other settings); hostnames are verified.
 */
export function storedClusterConfig(row: StoredCluster, secrets: ClusterSecrets): ClusterConfig {
  const settings = (row.settings ?? {}) as ClusterSettings;
  const config: ClusterConfig = {
    alias: row.name,
    bootstrapServers: row.bootstrapServers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    securityProtocol: row.securityProtocol,
  };
  const sasl = row.securityProtocol.startsWith('SASL_') ? settings.sasl : undefined;
  if (sasl?.mechanism === 'OAUTHBEARER')
    config.sasl = {
      mechanism: 'OAUTHBEARER',
      oauth: {
        tokenEndpointUrl: sasl.tokenEndpointUrl,
        clientId: sasl.clientId,
        clientSecret: secrets.oauthClientSecret ?? '',
        ...(sasl.scope ? { scope: sasl.scope } : {}),
      },
    };
  else if (sasl)
    config.sasl = {
      mechanism: sasl.mechanism,
      username: sasl.username,
      password: secrets.saslPassword ?? '',
    };
  if (row.securityProtocol === 'SSL' || row.securityProtocol === 'SASL_SSL')
    config.ssl = {
      ...(settings.tls?.caPem ? { ca: settings.tls.caPem } : {}),
      ...(settings.tls?.certPem ? { cert: settings.tls.certPem } : {}),
      ...(secrets.tlsKeyPem ? { key: secrets.tlsKeyPem } : {}),
      verifyHostname: true,
    };
  return config;
}

/** The settings half of a validated SASL input (the schema has checked the fields per mechanism). */
function saslSettings(s: NonNullable<ClusterCreate['sasl']>): NonNullable<ClusterSettings['sasl']> {
  if (s.mechanism === 'OAUTHBEARER')
    return {
      mechanism: 'OAUTHBEARER',
      tokenEndpointUrl: s.tokenEndpointUrl ?? '',
      clientId: s.clientId ?? '',
      ...(s.scope ? { scope: s.scope } : {}),
    };
  return { mechanism: s.mechanism, username: s.username ?? '' };
}

/** Settings typed into the cluster form and not saved yet (secrets in the clear, from the request). */
export function draftClusterConfig(input: ClusterCreate): ClusterConfig {
  return storedClusterConfig(
    {
      name: input.name,
      bootstrapServers: input.bootstrapServers,
      securityProtocol: input.securityProtocol,
      settings: {
        ...(input.sasl ? { sasl: saslSettings(input.sasl) } : {}),
        ...(input.tls
          ? { tls: { caPem: input.tls.caPem || undefined, certPem: input.tls.certPem || undefined } }
          : {}),
      } satisfies ClusterSettings,
      secrets: null,
    },
    {
      saslPassword: input.sasl?.password,
      oauthClientSecret: input.sasl?.clientSecret,
      tlsKeyPem: input.tls?.keyPem || undefined,
    },
  );
}
