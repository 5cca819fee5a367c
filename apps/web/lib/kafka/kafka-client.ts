import type { ClusterSecrets, ClusterSettings } from '@ferry/core';
import type { ClusterRow } from '@ferry/db';
import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';

/** A kafkajs client for a registered cluster. Secrets come decrypted from the caller and stay in memory. */
export function kafkaFor(row: ClusterRow, secrets: ClusterSecrets): Kafka {
  const settings = row.settings as ClusterSettings;
  const cfg: KafkaConfig = {
    clientId: 'ferry-control-plane',
    brokers: row.bootstrapServers.split(',').map((s) => s.trim()),
    connectionTimeout: 4000,
    requestTimeout: 8000,
    retry: { retries: 1, initialRetryTime: 200, maxRetryTime: 1000 },
    logLevel: logLevel.NOTHING,
  };
  if (row.securityProtocol === 'SSL' || row.securityProtocol === 'SASL_SSL') {
    cfg.ssl = {
      ...(settings.tls?.caPem ? { ca: [settings.tls.caPem] } : {}),
      ...(settings.tls?.certPem ? { cert: settings.tls.certPem } : {}),
      ...(secrets.tlsKeyPem ? { key: secrets.tlsKeyPem } : {}),
    };
  }
  if (row.securityProtocol.startsWith('SASL_') && settings.sasl) {
    const mechanism = settings.sasl.mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512';
    cfg.sasl = {
      mechanism,
      username: settings.sasl.username,
      password: secrets.saslPassword ?? '',
    } as KafkaConfig['sasl'];
  }
  return new Kafka(cfg);
}

/** A kafkajs failure in plain words (never echoing credentials). Order matters: kafkajs wraps TLS failures as connection errors. */
export function explainKafkaError(e: unknown): string {
  const err = e as { name?: string; type?: string; message?: string; cause?: unknown };
  const msg = `${err.type ?? ''} ${err.message ?? ''}`;
  if (/SASL_AUTHENTICATION_FAILED|SaslAuthenticationFailed|Authentication failed/i.test(msg))
    return 'Authentication failed: the broker rejected the username or password (check the SASL mechanism and credentials).';
  if (/TOPIC_AUTHORIZATION_FAILED|CLUSTER_AUTHORIZATION_FAILED|not authorized|AuthorizationFailed/i.test(msg))
    return 'Not authorised: the user can connect but lacks permission (ACLs) for this operation.';
  if (/UNSUPPORTED_SASL_MECHANISM|unsupported sasl/i.test(msg))
    return 'The broker does not support this SASL mechanism.';
  if (/self.signed|unable to verify|certificate|CERT_/i.test(msg))
    return 'TLS handshake failed: the broker certificate is not trusted (paste the CA certificate that signed it).';
  if (/EPROTO|wrong version number|SSL routines|TLS/i.test(msg))
    return 'TLS handshake failed: check that this listener uses TLS (security protocol SSL or SASL_SSL).';
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN/i.test(msg))
    return 'Cannot reach the brokers: connection refused or host unknown (check bootstrap servers and network).';
  if (/timed out|timeout/i.test(msg))
    return 'The brokers did not answer in time (wrong port, a firewall, or TLS/SASL settings that do not match the listener).';
  if (/closed|disconnect/i.test(msg))
    return 'The broker closed the connection (often a security protocol mismatch, e.g. PLAINTEXT client on a SASL or TLS listener).';
  if (/Connection error|KafkaJSConnectionError/i.test(msg))
    return `Cannot reach the brokers: ${(err.message ?? '').slice(0, 160)}`;
  return `Kafka error: ${(err.message ?? 'unknown').slice(0, 200)}`;
}
