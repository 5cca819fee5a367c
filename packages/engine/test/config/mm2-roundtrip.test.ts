import { defaultFlowConfig, type FlowConfig, parseProperties } from '@ferry/core';
import { describe, expect, it } from 'vitest';
import {
  exportMm2,
  importMm2,
  parseMm2Config,
  resolveSyncSettings,
  toStoredFlowConfig,
} from '../../src/config/mm2.ts';

/**
 * Every stored flow option survives export → `ferry run`'s parse: what the UI shows is what runs. One row per
 * option with a value other than its default (and the defaults themselves).
 */
const ROWS: [keyof FlowConfig, FlowConfig[keyof FlowConfig]][] = [
  ['topics', ['orders', 'pay\\..*', 'a{2}b']],
  ['topicsExclude', ['.*\\.tmp', '__.*']],
  ['groups', ['g1', 'team-.*']],
  ['groupsExclude', ['skip\\..*']],
  ['replicationPolicy', 'identity'],
  ['separator', '_'],
  ['checkpoints', false],
  ['checkpointsIntervalSeconds', 5],
  ['syncGroupOffsets', true],
  ['syncGroupOffsetsIntervalSeconds', 7],
  ['heartbeats', false],
  ['heartbeatsIntervalSeconds', 3],
  ['syncTopicConfigs', false],
  ['syncTopicConfigsIntervalSeconds', 30],
  ['syncTopicAcls', false],
  ['syncTopicAclsIntervalSeconds', 40],
  ['tasksMax', 4],
  ['replicationFactor', 3],
  ['startPosition', 'latest'],
  ['exactlyOnce', false],
  ['gapPolicy', 'halt'],
];

const east = { name: 'east', bootstrapServers: '127.0.0.1:29092', securityProtocol: 'PLAINTEXT' as const };
const west = { name: 'west', bootstrapServers: '127.0.0.1:29102', securityProtocol: 'PLAINTEXT' as const };

/** What `ferry run` resolves for the exported flow, as a stored flow config. */
function ferryRunReads(text: string): FlowConfig {
  const props = parseProperties(text);
  const { flows, notices } = parseMm2Config(props);
  expect(notices).toEqual([]);
  expect(flows).toHaveLength(1);
  const f = flows[0]!;
  return toStoredFlowConfig(f, resolveSyncSettings(props, f.source.alias, f.target.alias));
}

describe('export → ferry run: every flow option', () => {
  it('the table covers every option', () => {
    expect(ROWS.map(([k]) => k).sort()).toEqual(Object.keys(defaultFlowConfig()).sort());
  });

  it('defaults', () => {
    const config = defaultFlowConfig();
    expect(ferryRunReads(exportMm2({ name: 'f', enabled: true, config }, east, west))).toEqual(config);
  });

  it.each(ROWS)('%s = %j', (field, value) => {
    const config = { ...defaultFlowConfig(), [field]: value } as FlowConfig;
    const text = exportMm2({ name: 'f', enabled: true, config }, east, west);
    expect(ferryRunReads(text)).toEqual(config);
    // and the control plane's import reads the same flow back
    const back = importMm2(text);
    expect(back.unmapped).toEqual([]);
    expect(back.flows.map((f) => f.config)).toEqual([config]);
  });

  it('all options at once', () => {
    const config = Object.fromEntries(ROWS) as unknown as FlowConfig;
    expect(ferryRunReads(exportMm2({ name: 'f', enabled: true, config }, east, west))).toEqual(config);
  });

  it('the data path sees the exported start position and delivery guarantee', () => {
    const config = { ...defaultFlowConfig(), startPosition: 'latest' as const, exactlyOnce: false };
    const f = parseMm2Config(parseProperties(exportMm2({ name: 'f', enabled: true, config }, east, west)))
      .flows[0]!;
    expect([f.startPosition, f.exactlyOnce]).toEqual(['latest', false]);
    const halt = { ...defaultFlowConfig(), gapPolicy: 'halt' as const };
    const h = parseMm2Config(
      parseProperties(exportMm2({ name: 'f', enabled: true, config: halt }, east, west)),
    ).flows[0]!;
    expect(h.gapPolicy).toBe('halt');
  });
});

describe('MM2 forms of Ferry keys mean the same to ferry run and to the import', () => {
  const base =
    'clusters = east, west\neast.bootstrap.servers = h:1\nwest.bootstrap.servers = h:2\neast->west.enabled = true\n';
  it.each([
    ['consumer.auto.offset.reset = latest', 'startPosition', 'latest'],
    ['east->west.consumer.auto.offset.reset = latest', 'startPosition', 'latest'],
    ['source.consumer.auto.offset.reset = latest', 'startPosition', 'latest'],
    ['east.consumer.auto.offset.reset = latest', 'startPosition', 'latest'],
    ['consumer.auto.offset.reset = latest\nstart.position = earliest', 'startPosition', 'earliest'],
    ['exactly.once.source.support = disabled', 'exactlyOnce', false],
    ['exactly.once.source.support = enabled', 'exactlyOnce', true],
    ['exactly.once.source.support = disabled\nexactly.once = true', 'exactlyOnce', true],
    ['east->west.emit.heartbeats = false', 'heartbeats', false],
    ['sync.topic.acls.enabled = false', 'syncTopicAcls', false],
  ] as const)('%s', (line, field, value) => {
    const text = `${base}${line}\n`;
    expect(ferryRunReads(text)[field]).toEqual(value);
    expect(importMm2(text).flows[0]?.config[field]).toEqual(value);
  });
});

describe('one set of defaults', () => {
  it('an empty flow resolves to the stored defaults (SASL, ACL sync, start position, exactly once)', () => {
    const text =
      'clusters = a, b\na.bootstrap.servers = h:1\nb.bootstrap.servers = h:2\na->b.enabled = true\n';
    expect(ferryRunReads(text)).toEqual(defaultFlowConfig());
    expect(importMm2(text).flows[0]?.config).toEqual(defaultFlowConfig());
  });
  it('SASL without a mechanism is GSSAPI, MM2s default, refused by both', () => {
    const text =
      'clusters = a, b\na.bootstrap.servers = h:1\nb.bootstrap.servers = h:2\na->b.enabled = true\n' +
      'a.security.protocol = SASL_PLAINTEXT\na.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";\n';
    expect(() => parseMm2Config(parseProperties(text))).toThrow(
      /^a\.sasl\.mechanism=GSSAPI \(MM2 default\): supported/,
    );
    const imp = importMm2(text);
    expect(imp.clusters[0]?.sasl).toBeUndefined();
    expect(imp.unmapped).toContainEqual({
      key: 'a.sasl.mechanism',
      reason:
        'supported: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER; set the credentials on the cluster after import',
    });
  });
  it('identity cycles of any length are refused by ferry run, as the control plane refuses them', () => {
    const text =
      'clusters = a, b, c\na.bootstrap.servers = h:1\nb.bootstrap.servers = h:2\nc.bootstrap.servers = h:3\n' +
      'a->b.enabled = true\nb->c.enabled = true\nc->a.enabled = true\nb->c.replication.policy.class = IdentityReplicationPolicy\n';
    expect(() => parseMm2Config(parseProperties(text))).toThrow(/records would loop/);
  });
});

describe('OAUTHBEARER clusters both ways', () => {
  const oauthCluster = {
    name: 'idp',
    bootstrapServers: '127.0.0.1:30001',
    securityProtocol: 'SASL_SSL' as const,
    sasl: {
      mechanism: 'OAUTHBEARER' as const,
      tokenEndpointUrl: 'https://idp.example.com:8443/realms/kafka/protocol/openid-connect/token?x=1',
      clientId: 'ferry-replicator',
      scope: 'kafka openid',
    },
  };

  it.each([
    ['with a scope', oauthCluster.sasl],
    ['without a scope', { ...oauthCluster.sasl, scope: undefined }],
  ])('stored cluster (%s) → export → ferry run reads the same endpoint, client and scope', (_, sasl) => {
    const text = exportMm2(
      { name: 'f', enabled: true, config: defaultFlowConfig() },
      { ...oauthCluster, sasl },
      west,
    );
    // the secret is a placeholder, never the stored one
    expect(text).toContain('clientSecret="<client secret>"');
    expect(text).toContain(
      'idp.sasl.login.callback.handler.class = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
    );
    const { flows, notices } = parseMm2Config(parseProperties(text));
    expect(notices).toEqual([]);
    expect(flows[0]!.source.sasl).toEqual({
      mechanism: 'OAUTHBEARER',
      oauth: {
        tokenEndpointUrl: sasl.tokenEndpointUrl,
        clientId: sasl.clientId,
        clientSecret: '<client secret>',
        ...(sasl.scope ? { scope: sasl.scope } : {}),
      },
    });
    // and the control plane's import maps it back onto a stored cluster, nothing reported as unmapped
    const imp = importMm2(text.replace('<client secret>', 's3cret'));
    expect(imp.unmapped).toEqual([]);
    expect(imp.clusters.find((c) => c.name === 'idp')).toEqual({
      name: 'idp',
      bootstrapServers: '127.0.0.1:30001',
      securityProtocol: 'SASL_SSL',
      sasl: {
        mechanism: 'OAUTHBEARER',
        tokenEndpointUrl: sasl.tokenEndpointUrl,
        clientId: sasl.clientId,
        clientSecret: 's3cret',
        ...(sasl.scope ? { scope: sasl.scope } : {}),
      },
    });
  });

  it("an MM2 file's OAUTHBEARER cluster (Kafka 3.x's .secured. handler) imports with its secret", () => {
    const imp = importMm2(`clusters = a, b
a.bootstrap.servers = h:1
a.security.protocol = SASL_PLAINTEXT
a.sasl.mechanism = OAUTHBEARER
a.sasl.oauthbearer.token.endpoint.url = http://127.0.0.1:8080/token
a.sasl.login.callback.handler.class = org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler
a.sasl.jaas.config = org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="c" clientSecret="s";
b.bootstrap.servers = h:2
a->b.enabled = true
`);
    expect(imp.unmapped).toEqual([]);
    expect(imp.clusters[0]!.sasl).toEqual({
      mechanism: 'OAUTHBEARER',
      tokenEndpointUrl: 'http://127.0.0.1:8080/token',
      clientId: 'c',
      clientSecret: 's',
    });
  });
});
