import { X509Certificate } from 'node:crypto';
import { parseProperties } from '@ferry/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { importMm2, parseMm2Config, resolveSyncSettings } from '../../src/config/mm2.ts';
import { makeStores } from '../helpers/key-stores.ts';

/**
 * Configurations in the shape the Strimzi / AMQ Streams documentation gives them: dedicated-mode files with
 * JKS trust stores and PKCS12 user key stores (type left at its default), one flow disabled, a custom
 * separator, ACL sync off; and the connector settings of a Strimzi `KafkaMirrorMaker2` written as flow keys.
 */
let dir = '';
beforeAll(() => {
  dir = makeStores();
}, 60_000);

const amqStreams = () =>
  `
clusters=cluster-1,cluster-2
cluster-1.bootstrap.servers=127.0.0.1:29142
cluster-1.security.protocol=SSL
cluster-1.ssl.truststore.password=trust-pass
cluster-1.ssl.truststore.location=${dir}/trust.jks
cluster-1.ssl.keystore.password=store-pass-2
cluster-1.ssl.keystore.location=${dir}/client.p12
cluster-2.bootstrap.servers=127.0.0.1:29092
cluster-1->cluster-2.enabled=true
cluster-2->cluster-1.enabled=false
cluster-1->cluster-2.topics=.*
cluster-2->cluster-1.topics=topic-1, topic-2
cluster-1->cluster-2.groups=.*
cluster-2->cluster-1.groups=group-1, group-2
replication.policy.separator=-
sync.topic.acls.enabled=false
refresh.topics.interval.seconds=60
refresh.groups.interval.seconds=60
`;

describe('an AMQ Streams dedicated-mode file', () => {
  it('runs cluster-1->cluster-2 over TLS with the JKS trust store and the PKCS12 user store', () => {
    const props = parseProperties(amqStreams());
    const { flows, notices } = parseMm2Config(props);
    expect(notices).toEqual([]);
    expect(flows.map((f) => f.id)).toEqual(['cluster-1->cluster-2']);
    const f = flows[0]!;
    expect(f.policy.formatRemoteTopic('cluster-1', 'orders')).toBe('cluster-1-orders');
    expect(f.refreshTopicsIntervalMs).toBe(60_000);
    expect(new X509Certificate(f.source.ssl!.ca!).subject).toBe('CN=ferry-p12');
    expect(new X509Certificate(f.source.ssl!.cert!).subject).toBe('CN=ferry-p12');
    expect(f.source.ssl!.key).toContain('PRIVATE KEY');
    const s = resolveSyncSettings(props, 'cluster-1', 'cluster-2');
    expect([s.syncTopicAclsEnabled, s.refreshGroupsIntervalMs, s.groups]).toEqual([false, 60_000, ['.*']]);
  });

  it('imports both flows (one disabled) and reports the TLS files and the settings a stored flow lacks', () => {
    const r = importMm2(amqStreams());
    expect(r.flows.map((f) => [f.name, f.enabled, f.config.topics, f.config.groups])).toEqual([
      ['cluster-1->cluster-2', true, ['.*'], ['.*']],
      ['cluster-2->cluster-1', false, ['topic-1', 'topic-2'], ['group-1', 'group-2']],
    ]);
    expect(r.flows.every((f) => f.config.separator === '-' && !f.config.syncTopicAcls)).toBe(true);
    expect(r.unmapped.map((u) => u.key).sort()).toEqual([
      'cluster-1.ssl.keystore.location',
      'cluster-1.ssl.keystore.password',
      'cluster-1.ssl.truststore.location',
      'cluster-1.ssl.truststore.password',
      'refresh.groups.interval.seconds',
      'refresh.topics.interval.seconds',
    ]);
  });
});

describe("a Strimzi KafkaMirrorMaker2's connector settings as flow keys", () => {
  const text = `
clusters = my-source-cluster, my-target-cluster
my-source-cluster.bootstrap.servers = 127.0.0.1:29092
my-target-cluster.bootstrap.servers = 127.0.0.1:29102
my-source-cluster->my-target-cluster.enabled = true
my-source-cluster->my-target-cluster.topics = topic1|topic2|topic3
my-source-cluster->my-target-cluster.groups = group1|group2|group3
# sourceConnector.config
replication.factor = 1
offset-syncs.topic.replication.factor = 1
sync.topic.acls.enabled = false
replication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy
offset-syncs.topic.location = target
# checkpointConnector.config
checkpoints.topic.replication.factor = 1
sync.group.offsets.enabled = true
sync.group.offsets.interval.seconds = 60
emit.checkpoints.interval.seconds = 60
refresh.groups.interval.seconds = 600
# heartbeatConnector.config
heartbeats.topic.replication.factor = 1
`;
  it('means what Strimzi documents', () => {
    const props = parseProperties(text);
    const { flows, notices, defaults } = parseMm2Config(props);
    expect(notices).toEqual([]);
    const f = flows[0]!;
    expect(f.policy.kind).toBe('identity');
    expect(f.replicationFactor).toBe(1);
    expect(
      ['topic1', 'topic3', 'topic4'].map((t) => f.topics.some((p) => new RegExp(`^(?:${p})$`).test(t))),
    ).toEqual([true, true, false]);
    const s = resolveSyncSettings(props, f.source.alias, f.target.alias);
    expect(s).toMatchObject({
      syncTopicAclsEnabled: false,
      syncGroupOffsetsEnabled: true,
      syncGroupOffsetsIntervalMs: 60_000,
      checkpointsReplicationFactor: 1,
      heartbeatsReplicationFactor: 1,
      offsetSyncsReplicationFactor: 1,
      offsetSyncsTopicLocation: 'target',
      groups: ['group1|group2|group3'],
    });
    // every differing default is set by the file, so start-up announces only exactly.once
    expect(defaults.map((d) => d.key)).toEqual(['exactly.once']);
  });
});
