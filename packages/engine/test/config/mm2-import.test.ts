import { defaultFlowConfig } from '@ferry/core';
import { describe, expect, it } from 'vitest';
import { exportMm2, importMm2 } from '../../src/config/mm2.ts';

const MM2 = `
# two clusters
clusters = east, auth
east.bootstrap.servers = 127.0.0.1:29092
auth.bootstrap.servers = 127.0.0.1:29132
auth.security.protocol = SASL_PLAINTEXT
auth.sasl.mechanism = SCRAM-SHA-512
auth.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required \\
    username="ferry" password="ferry-secret";
east->auth.enabled = true
east->auth.topics = orders.*, payments
topics.exclude = .*\\\\.tmp
replication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy
tasks.max = 4
east->auth.sync.topic.acls.enabled = true
east.ssl.truststore.location = /etc/kafka/trust.jks
offset.storage.replication.factor = 3
some.unknown.key = 1
`;

describe('importMm2', () => {
  const r = importMm2(MM2);
  it('maps clusters with SASL credentials', () => {
    expect(r.clusters).toEqual([
      { name: 'east', bootstrapServers: '127.0.0.1:29092', securityProtocol: 'PLAINTEXT' },
      {
        name: 'auth',
        bootstrapServers: '127.0.0.1:29132',
        securityProtocol: 'SASL_PLAINTEXT',
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'ferry', password: 'ferry-secret' },
      },
    ]);
  });
  it('maps the flow with per-flow overriding global keys', () => {
    expect(r.flows).toHaveLength(1);
    const f = r.flows[0]!;
    expect(f).toMatchObject({ name: 'east->auth', source: 'east', target: 'auth', enabled: true });
    expect(f.config).toMatchObject({
      topics: ['orders.*', 'payments'],
      topicsExclude: ['.*\\.tmp'],
      replicationPolicy: 'identity',
      tasksMax: 4,
      syncTopicAcls: true,
    });
  });
  it('reports every key it cannot map', () => {
    expect(r.unmapped.map((u) => u.key).sort()).toEqual([
      'east.ssl.truststore.location',
      'offset.storage.replication.factor',
      'some.unknown.key',
    ]);
  });
  it('flags flows naming unknown clusters', () => {
    expect(importMm2('clusters = a\na.bootstrap.servers = h:1\na->b.enabled = true').unmapped[0]?.key).toBe(
      'a->b.enabled',
    );
  });
});

describe('exportMm2', () => {
  it('round-trips through import without exporting secrets', () => {
    const config = {
      ...defaultFlowConfig(),
      topics: ['orders'],
      replicationPolicy: 'identity' as const,
      tasksMax: 3,
      exactlyOnce: true,
    };
    const text = exportMm2(
      { name: 'east to auth', enabled: true, config },
      { name: 'east', bootstrapServers: 'h1:9092', securityProtocol: 'PLAINTEXT' },
      {
        name: 'auth',
        bootstrapServers: 'h2:9092',
        securityProtocol: 'SASL_SSL',
        sasl: { mechanism: 'SCRAM-SHA-256', username: 'u' },
      },
    );
    expect(text).toContain('password="<password>"');
    const back = importMm2(text);
    expect(back.unmapped).toEqual([]);
    expect(back.flows[0]?.config).toEqual(config);
    expect(back.clusters[1]).toMatchObject({
      name: 'auth',
      securityProtocol: 'SASL_SSL',
      sasl: { mechanism: 'SCRAM-SHA-256', username: 'u' },
    });
  });
});
