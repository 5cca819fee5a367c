import { resolveKafkaVersion } from './versions.ts';

export type StackSecurity = 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL';

export interface ClusterSpec {
  name: string;
  kafkaVersion: string;
  security: StackSecurity;
  /** Broker settings over the defaults (a test's own broker, e.g. offsets.retention.minutes=1). */
  brokerOverrides?: Record<string, string | number | boolean>;
  /** An extra SASL_PLAINTEXT listener `OAUTH` (port client+3) taking OAUTHBEARER tokens checked against a JWKS. */
  oauthbearer?: OAuthListenerSpec;
}

/** What the broker's OAUTHBEARER validator (Kafka's OAuthBearerValidatorCallbackHandler) checks tokens with. */
export interface OAuthListenerSpec {
  /** The identity provider's JWKS (the token signatures are verified with its keys). */
  jwksUrl: string;
  /** URLs the broker JVM may contact (Kafka 4.x: `org.apache.kafka.sasl.oauthbearer.allowed.urls`). */
  allowedUrls: string[];
  expectedIssuer?: string;
  expectedAudience?: string;
  /** The claim naming the principal (Kafka's default: `sub`). */
  subClaim?: string;
}

/** The OAUTHBEARER listener's port: the block's fourth (client, controller, internal, oauth). */
export const oauthPort = (ports: BrokerPorts): number => ports.client + 3;

/** Users every SASL cluster of the stack knows (SCRAM-SHA-512). `ferry` is a super user, `alice` is not. */
export const STACK_SCRAM_USERS = [
  { username: 'ferry', password: 'ferry-secret', superUser: true },
  { username: 'alice', password: 'alice-secret', superUser: false },
] as const;

export class ClusterSpecError extends Error {
  readonly code = 'INVALID_CLUSTER_SPEC';
}

const SECURITY_ALIASES: Record<string, StackSecurity> = {
  plaintext: 'PLAINTEXT',
  sasl: 'SASL_PLAINTEXT',
  scram: 'SASL_PLAINTEXT',
  sasl_plaintext: 'SASL_PLAINTEXT',
  tls: 'SSL',
  ssl: 'SSL',
};

/**
 * Parses `--clusters` items of the form `name[:security][@version]`, e.g. `east`, `auth:scram`, `old@3.9`.
 * security: plaintext (default), scram (SASL/SCRAM-SHA-512), tls (self-signed CA).
 */
export function parseClusterSpecs(list: string, defaultVersion?: string): ClusterSpec[] {
  const items = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw new ClusterSpecError('--clusters needs at least one cluster name');
  const seen = new Set<string>();
  return items.map((item) => {
    const m = /^([a-z][a-z0-9-]{0,30})(?::([a-z_]+))?(?:@([0-9a-z.]+))?$/.exec(item);
    if (!m) {
      throw new ClusterSpecError(
        `"${item}" is not a cluster spec: use name[:plaintext|scram|tls][@version], lowercase name starting with a letter`,
      );
    }
    const [, name, sec, ver] = m as unknown as [string, string, string | undefined, string | undefined];
    if (seen.has(name)) throw new ClusterSpecError(`cluster "${name}" is listed twice`);
    seen.add(name);
    const security = sec ? SECURITY_ALIASES[sec] : 'PLAINTEXT';
    if (!security) throw new ClusterSpecError(`"${sec}" is not a security mode: use plaintext, scram or tls`);
    return { name, security, kafkaVersion: resolveKafkaVersion(ver ?? defaultVersion).version };
  });
}

export interface BrokerPorts {
  client: number;
  controller: number;
  /** PLAINTEXT listener used between broker and itself on secured clusters; also the stack's admin back door. */
  internal: number;
}

export interface TlsPaths {
  caPem: string;
  keystorePem: string;
}

export interface BrokerConfigInput {
  spec: ClusterSpec;
  ports: BrokerPorts;
  logDir: string;
  tls?: TlsPaths;
}

/** server.properties for a single-node combined broker+controller KRaft cluster. Pure. */
export function brokerProperties({ spec, ports, logDir, tls }: BrokerConfigInput): string {
  const major = resolveKafkaVersion(spec.kafkaVersion).major;
  const secured = spec.security !== 'PLAINTEXT';
  const listeners = [`CLIENT://127.0.0.1:${ports.client}`, `CONTROLLER://127.0.0.1:${ports.controller}`];
  const protoMap = [`CLIENT:${spec.security}`, 'CONTROLLER:PLAINTEXT'];
  if (secured) {
    listeners.push(`INTERNAL://127.0.0.1:${ports.internal}`);
    protoMap.push('INTERNAL:PLAINTEXT');
  }
  if (spec.oauthbearer) {
    listeners.push(`OAUTH://127.0.0.1:${oauthPort(ports)}`);
    protoMap.push('OAUTH:SASL_PLAINTEXT');
  }
  const p: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${ports.controller}`,
    listeners: listeners.join(','),
    'advertised.listeners': listeners.filter((l) => !l.startsWith('CONTROLLER')).join(','),
    'listener.security.protocol.map': protoMap.join(','),
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': secured ? 'INTERNAL' : 'CLIENT',
    'log.dirs': logDir,
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': false,
    'delete.topic.enable': true,
    'log.cleaner.backoff.ms': 1000,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'message.max.bytes': 1048588,
  };
  if (major >= 4) {
    p['share.coordinator.state.topic.replication.factor'] = 1;
    p['share.coordinator.state.topic.min.isr'] = 1;
  }
  if (spec.security === 'SASL_PLAINTEXT') {
    p['sasl.enabled.mechanisms'] = 'SCRAM-SHA-512';
    p['listener.name.client.scram-sha-512.sasl.jaas.config'] =
      'org.apache.kafka.common.security.scram.ScramLoginModule required;';
    p['authorizer.class.name'] = 'org.apache.kafka.metadata.authorizer.StandardAuthorizer';
    p['allow.everyone.if.no.acl.found'] = false;
    p['super.users'] = [
      'User:ANONYMOUS',
      ...STACK_SCRAM_USERS.filter((u) => u.superUser).map((u) => `User:${u.username}`),
    ].join(';');
  }
  if (spec.oauthbearer) Object.assign(p, oauthListenerProperties(spec.oauthbearer));
  if (spec.security === 'SSL') {
    if (!tls) throw new ClusterSpecError(`cluster ${spec.name} uses TLS but no certificates were generated`);
    p['listener.name.client.ssl.keystore.type'] = 'PEM';
    p['listener.name.client.ssl.keystore.location'] = tls.keystorePem;
    p['listener.name.client.ssl.truststore.type'] = 'PEM';
    p['listener.name.client.ssl.truststore.location'] = tls.caPem;
    p['listener.name.client.ssl.client.auth'] = 'none';
    p['ssl.endpoint.identification.algorithm'] = 'https';
  }
  Object.assign(p, spec.brokerOverrides ?? {});
  return `${Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n')}\n`;
}

/** The `OAUTH` listener's settings: OAUTHBEARER, tokens validated by Kafka's JWKS-based handler. Pure. */
export function oauthListenerProperties(o: OAuthListenerSpec): Record<string, string> {
  const l = 'listener.name.oauth';
  return {
    [`${l}.sasl.enabled.mechanisms`]: 'OAUTHBEARER',
    [`${l}.oauthbearer.sasl.jaas.config`]:
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
    [`${l}.oauthbearer.sasl.server.callback.handler.class`]:
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
    [`${l}.oauthbearer.sasl.oauthbearer.jwks.endpoint.url`]: o.jwksUrl,
    ...(o.expectedIssuer ? { [`${l}.oauthbearer.sasl.oauthbearer.expected.issuer`]: o.expectedIssuer } : {}),
    ...(o.expectedAudience
      ? { [`${l}.oauthbearer.sasl.oauthbearer.expected.audience`]: o.expectedAudience }
      : {}),
    ...(o.subClaim ? { [`${l}.oauthbearer.sasl.oauthbearer.sub.claim.name`]: o.subClaim } : {}),
  };
}

/** System properties the broker JVM needs for a spec (Kafka 4.x refuses OAuth URLs not listed). Pure. */
export function brokerJvmProperties(spec: Pick<ClusterSpec, 'oauthbearer'>): string[] {
  if (!spec.oauthbearer) return [];
  return [`-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${spec.oauthbearer.allowedUrls.join(',')}`];
}

/** Extra arguments for `StorageTool format` (SCRAM users are created at format time in KRaft). */
export function formatExtraArgs(spec: ClusterSpec): string[] {
  if (spec.security !== 'SASL_PLAINTEXT') return [];
  return STACK_SCRAM_USERS.flatMap((u) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${u.username},password=${u.password}]`,
  ]);
}

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, as `StorageTool random-uuid` makes. */
export function newClusterId(random: (n: number) => Buffer): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Logging configuration for the broker JVM (log4j2 on 4.x, reload4j on 3.x): everything to stdout at INFO. */
export function loggingConfig(kafkaVersion: string): {
  file: string;
  text: string;
  jvmFlag: (path: string) => string;
} {
  if (resolveKafkaVersion(kafkaVersion).major >= 4) {
    return {
      file: 'log4j2.properties',
      text: [
        'status = warn',
        'appender.out.type = Console',
        'appender.out.name = out',
        'appender.out.layout.type = PatternLayout',
        'appender.out.layout.pattern = [%d] %p %m (%c)%n',
        'rootLogger.level = INFO',
        'rootLogger.appenderRef.out.ref = out',
        'logger.state.name = state.change.logger',
        'logger.state.level = WARN',
        '',
      ].join('\n'),
      jvmFlag: (path) => `-Dlog4j2.configurationFile=${path}`,
    };
  }
  return {
    file: 'log4j.properties',
    text: [
      'log4j.rootLogger=INFO, out',
      'log4j.appender.out=org.apache.log4j.ConsoleAppender',
      'log4j.appender.out.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.out.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.state.change.logger=WARN',
      '',
    ].join('\n'),
    jvmFlag: (path) => `-Dlog4j.configuration=file:${path}`,
  };
}
