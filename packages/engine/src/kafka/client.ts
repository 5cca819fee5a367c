import kafkajs, { type Kafka, type KafkaConfig, type SASLOptions } from 'kafkajs';

const { Kafka: KafkaClient, logLevel } = kafkajs;

import type { ClusterConfig } from '../config/flow-config.ts';
import { registerCodecs } from './codecs.ts';

/**
 * The only place that builds a kafkajs client (ADR 0001): everything else in the engine goes through the
 * engine's own modules (datapath, discovery, positions), so the client can change.
 */
export function kafkaFor(cluster: ClusterConfig, clientId: string): Kafka {
  registerCodecs();
  const cfg: KafkaConfig = {
    clientId,
    brokers: cluster.bootstrapServers,
    connectionTimeout: 5000,
    requestTimeout: 30000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
    logLevel: logLevel.NOTHING,
  };
  if (cluster.sasl) {
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
