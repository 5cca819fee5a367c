import type { KafkaConfig } from 'kafkajs';
import { STACK_SCRAM_USERS } from './cluster-spec.ts';
import type { ClusterState } from './state.ts';

/** kafkajs settings to reach a stack cluster on its client listener, with its security. */
export function kafkajsConfig(cluster: ClusterState, clientId = 'ferry-testkit'): KafkaConfig {
  const cfg: KafkaConfig = {
    clientId,
    brokers: [cluster.bootstrap],
    connectionTimeout: 3000,
    requestTimeout: 15000,
    retry: { retries: 3, initialRetryTime: 200 },
    logLevel: 0,
    // as the engine's kafkaFor: kafkajs' default (10 s) fails every connection to a broker whose
    // connections.max.reauth.ms is shorter
    reauthenticationThreshold: 1000,
  };
  if (cluster.security === 'SSL') cfg.ssl = { ca: [cluster.caPem ?? ''], servername: 'localhost' };
  if (cluster.security === 'SASL_PLAINTEXT') {
    const u = STACK_SCRAM_USERS[0];
    cfg.sasl = { mechanism: 'scram-sha-512', username: u.username, password: u.password };
  }
  return cfg;
}
