import {
  DEFAULT_POLICY_CLASS,
  FLOW_OPTION_KEYS,
  type FlowConfig,
  IDENTITY_POLICY_CLASS,
  type SaslMechanism,
  type SecurityProtocol,
} from '@ferry/core';

export interface ExportCluster {
  name: string;
  bootstrapServers: string;
  securityProtocol: SecurityProtocol;
  sasl?:
    | { mechanism: Exclude<SaslMechanism, 'OAUTHBEARER'>; username: string }
    | { mechanism: 'OAUTHBEARER'; tokenEndpointUrl: string; clientId: string; scope?: string }
    | null;
}

// Java .properties drops a lone backslash, so regex escapes are written doubled.
const escapeValue = (v: string) => v.replaceAll('\\', '\\\\');

/** Kafka's own client-credentials login handler (Kafka 4.x package; 3.x's `.secured.` one is read too). */
export const OAUTH_LOGIN_HANDLER_CLASS =
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler';
const OAUTH_LOGIN_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

function saslLines(name: string, sasl: NonNullable<ExportCluster['sasl']>): string[] {
  if (sasl.mechanism === 'OAUTHBEARER')
    return [
      `${name}.sasl.mechanism = OAUTHBEARER`,
      `${name}.sasl.oauthbearer.token.endpoint.url = ${escapeValue(sasl.tokenEndpointUrl)}`,
      `${name}.sasl.login.callback.handler.class = ${OAUTH_LOGIN_HANDLER_CLASS}`,
      '# client secret not exported: fill it in',
      `${name}.sasl.jaas.config = ${OAUTH_LOGIN_MODULE} required clientId="${sasl.clientId}" clientSecret="<client secret>"${
        sasl.scope ? ` scope="${sasl.scope}"` : ''
      };`,
    ];
  const module =
    sasl.mechanism === 'PLAIN'
      ? 'org.apache.kafka.common.security.plain.PlainLoginModule'
      : 'org.apache.kafka.common.security.scram.ScramLoginModule';
  return [
    `${name}.sasl.mechanism = ${sasl.mechanism}`,
    '# password not exported: fill it in',
    `${name}.sasl.jaas.config = ${module} required username="${sasl.username}" password="<password>";`,
  ];
}

/** One option's value as `ferry run` reads it back (`FLOW_OPTION_KEYS` names the key). */
function optionValue(field: keyof FlowConfig, c: FlowConfig): string {
  const v = c[field];
  if (field === 'replicationPolicy') return v === 'identity' ? IDENTITY_POLICY_CLASS : DEFAULT_POLICY_CLASS;
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/**
 * A stored flow's options as the MM2 keys `ferry run` resolves (already unescaped, as `parseProperties`
 * returns them): the worker resolves stored flows through these, so the control plane runs what the file would.
 */
export function flowOptionProperties(config: FlowConfig): Map<string, string> {
  return new Map(
    (Object.entries(FLOW_OPTION_KEYS) as [keyof FlowConfig, string][]).map(([field, key]) => [
      key,
      optionValue(field, config),
    ]),
  );
}

/**
 * One flow as an `mm2.properties` that `ferry run` runs exactly as the control plane would: every option is
 * written under the key `ferry run` reads. Secrets are never exported: passwords and client secrets are left as
 * placeholders.
 */
export function exportMm2(
  flow: { name: string; enabled: boolean; config: FlowConfig },
  source: ExportCluster,
  target: ExportCluster,
): string {
  const pair = `${source.name}->${target.name}`;
  const lines = [
    `# Exported by Ferry from flow "${flow.name}"`,
    `clusters = ${source.name}, ${target.name}`,
    '',
  ];
  for (const cl of [source, target]) {
    lines.push(`${cl.name}.bootstrap.servers = ${cl.bootstrapServers}`);
    if (cl.securityProtocol !== 'PLAINTEXT')
      lines.push(`${cl.name}.security.protocol = ${cl.securityProtocol}`);
    if (cl.sasl) lines.push(...saslLines(cl.name, cl.sasl));
    lines.push('');
  }
  lines.push(`${pair}.enabled = ${flow.enabled}`);
  for (const [key, value] of flowOptionProperties(flow.config))
    lines.push(`${pair}.${key} = ${escapeValue(value)}`);
  return `${lines.join('\n')}\n`;
}
