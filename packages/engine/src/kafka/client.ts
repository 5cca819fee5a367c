import kafkajs, { type Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';

const { Kafka: KafkaClient, logLevel } = kafkajs;

import type { ClusterConfig } from '../config/flow-config.ts';
import type { WireClusterConfig } from '../wire/index.ts';
import { registerCodecs } from './codecs.ts';
import { oauthTokenSource } from './oauth-token.ts';
import { policySocketFactory } from './policy-socket.ts';
import { fixRequestQueueTimerLoop } from './request-queue-fix.ts';

/** Timeouts and retries of a client; the defaults suit replication, short ones suit interactive checks. */
export interface ClientTuning {
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retries?: number;
  maxRetryTimeMs?: number;
}

/** How long before a SASL session ends kafkajs re-authenticates its connection (see kafkaFor). */
export const REAUTH_THRESHOLD_MS = 1000;

/**
 * The only place that builds a kafkajs client (ADR 0001): everything else in the engine goes through the
 * engine's own modules (datapath, discovery, positions, connection-test), so the client can change.
 */
export function kafkaFor(cluster: ClusterConfig, clientId: string, tuning: ClientTuning = {}): Kafka {
  registerCodecs();
  fixRequestQueueTimerLoop();
  const cfg: KafkaConfig = {
    clientId,
    brokers: cluster.bootstrapServers,
    connectionTimeout: tuning.connectionTimeoutMs ?? 5000,
    requestTimeout: tuning.requestTimeoutMs ?? 30000,
    retry: {
      retries: tuning.retries ?? 5,
      initialRetryTime: 200,
      maxRetryTime: tuning.maxRetryTimeMs ?? 5000,
    },
    logLevel: logLevel.NOTHING,
    // KIP-368: kafkajs re-authenticates a SASL connection `threshold` ms before the session the broker granted
    // (connections.max.reauth.ms) ends. Its default, 10 s, re-authenticates at once when the session is shorter
    // than that, and the broker refuses a re-authentication that soon (ILLEGAL_SASL_STATE: every connection
    // fails). 1 s re-authenticates late in any session longer than 2 s.
    reauthenticationThreshold: REAUTH_THRESHOLD_MS,
    // Every connection, to bootstrap servers and to brokers named by metadata, passes the network policy.
    socketFactory: policySocketFactory(),
  };
  if (cluster.sasl?.mechanism === 'OAUTHBEARER') {
    const source = oauthTokenSource(cluster.sasl.oauth);
    cfg.sasl = {
      mechanism: 'oauthbearer',
      oauthBearerProvider: async () => ({ value: await source.token() }),
    };
  } else if (cluster.sasl) {
    const { mechanism, username, password } = cluster.sasl;
    cfg.sasl = { mechanism: mechanism.toLowerCase(), username, password } as SASLOptions;
  }
  if (cluster.ssl) {
    const s = cluster.ssl;
    cfg.ssl = {
      rejectUnauthorized: true,
      ...(s.ca ? { ca: [s.ca] } : {}),
      ...(s.cert ? { cert: s.cert } : {}),
      ...(s.key ? { key: s.key } : {}),
      ...(s.keyPassword ? { passphrase: s.keyPassword } : {}),
      ...(s.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
    };
  }
  return new KafkaClient(cfg);
}

/**
 * The same stored cluster (bootstrap, TLS PEM material, SASL) for Ferry's own wire layer, which the data path
 * uses (issue #10): fetch by assignment on the source, batch forwarding to the target.
 */
export function wireConfigFor(
  cluster: ClusterConfig,
  clientId: string,
  tuning: ClientTuning = {},
): WireClusterConfig {
  const cfg: WireClusterConfig = {
    bootstrap: cluster.bootstrapServers,
    clientId,
    ...(cluster.alias ? { name: cluster.alias } : {}),
    connectTimeoutMs: tuning.connectionTimeoutMs ?? 5000,
    requestTimeoutMs: tuning.requestTimeoutMs ?? 30000,
  };
  if (cluster.sasl?.mechanism === 'OAUTHBEARER') {
    const source = oauthTokenSource(cluster.sasl.oauth);
    cfg.sasl = {
      mechanism: 'oauthbearer',
      username: cluster.sasl.oauth.clientId,
      token: () => source.token(),
    };
  } else if (cluster.sasl) {
    const { mechanism, username, password } = cluster.sasl;
    cfg.sasl = {
      mechanism: mechanism.toLowerCase() as 'plain' | 'scram-sha-256' | 'scram-sha-512',
      username,
      password,
    };
  }
  if (cluster.ssl) {
    const s = cluster.ssl;
    cfg.tls = {
      rejectUnauthorized: true,
      verifyHostname: s.verifyHostname,
      ...(s.ca ? { ca: s.ca } : {}),
      ...(s.cert ? { cert: s.cert } : {}),
      ...(s.key ? { key: s.key } : {}),
      ...(s.keyPassword ? { passphrase: s.keyPassword } : {}),
    };
  } else if (cluster.securityProtocol === 'SSL' || cluster.securityProtocol === 'SASL_SSL') {
    cfg.tls = { rejectUnauthorized: true };
  }
  return cfg;
}
