/**
 * A kafkajs failure in plain words, for people testing a connection (never echoing credentials: kafkajs
 * messages name hosts and mechanisms, not passwords). Order matters: kafkajs wraps TLS failures as
 * connection errors.
 */
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
