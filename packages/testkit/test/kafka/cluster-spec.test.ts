import { describe, expect, it } from 'vitest';
import {
  brokerJvmProperties,
  brokerProperties,
  formatExtraArgs,
  newClusterId,
  parseClusterSpecs,
} from '../../src/kafka/cluster-spec.ts';
import { DEFAULT_KAFKA_VERSION, LEGACY_KAFKA_VERSION } from '../../src/kafka/versions.ts';

const props = (text: string) =>
  Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => l.split(/=(.*)/s).slice(0, 2)),
  );

describe('parseClusterSpecs', () => {
  it.each([
    ['east', [{ name: 'east', security: 'PLAINTEXT', kafkaVersion: DEFAULT_KAFKA_VERSION }]],
    ['east,west', [{ name: 'east' }, { name: 'west' }]],
    ['auth:scram', [{ name: 'auth', security: 'SASL_PLAINTEXT' }]],
    ['secure:tls', [{ name: 'secure', security: 'SSL' }]],
    ['old@3.9', [{ name: 'old', kafkaVersion: LEGACY_KAFKA_VERSION }]],
    ['x:sasl@3.9.2', [{ name: 'x', security: 'SASL_PLAINTEXT', kafkaVersion: '3.9.2' }]],
    [' east , west ', [{ name: 'east' }, { name: 'west' }]],
  ])('%s', (input, expected) => {
    expect(parseClusterSpecs(input)).toMatchObject(expected);
  });

  it.each([
    ['', /at least one/],
    ['East', /not a cluster spec/],
    ['east,east', /listed twice/],
    ['east:kerberos', /not a security mode/],
    ['east@2.8', /not supported/],
  ])('rejects %j', (input, message) => {
    expect(() => parseClusterSpecs(input)).toThrow(message);
  });

  it('applies the default version from --kafka', () => {
    expect(parseClusterSpecs('a,b@4', '3.9')).toMatchObject([
      { kafkaVersion: '3.9.2' },
      { kafkaVersion: DEFAULT_KAFKA_VERSION },
    ]);
  });
});

describe('brokerProperties', () => {
  const ports = { client: 19092, controller: 19093, internal: 19094 };

  it('makes a single-node combined KRaft node that supports transactions at RF 1', () => {
    const p = props(
      brokerProperties({
        spec: { name: 'east', security: 'PLAINTEXT', kafkaVersion: '4.3.1' },
        ports,
        logDir: '/d',
      }),
    );
    expect(p).toMatchObject({
      'process.roles': 'broker,controller',
      'controller.quorum.voters': '1@127.0.0.1:19093',
      listeners: 'CLIENT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093',
      'advertised.listeners': 'CLIENT://127.0.0.1:19092',
      'inter.broker.listener.name': 'CLIENT',
      'transaction.state.log.replication.factor': '1',
      'transaction.state.log.min.isr': '1',
      'offsets.topic.replication.factor': '1',
      'share.coordinator.state.topic.replication.factor': '1',
      'log.dirs': '/d',
    });
  });

  it("a test's own broker settings override the defaults", () => {
    const p = props(
      brokerProperties({
        spec: {
          name: 'expiry',
          security: 'PLAINTEXT',
          kafkaVersion: '4.3.1',
          brokerOverrides: { 'offsets.retention.minutes': 1, 'num.io.threads': 2 },
        },
        ports,
        logDir: '/d',
      }),
    );
    expect(p).toMatchObject({ 'offsets.retention.minutes': '1', 'num.io.threads': '2', 'log.dirs': '/d' });
  });

  it('omits 4.x-only settings on 3.9', () => {
    const p = props(
      brokerProperties({
        spec: { name: 'o', security: 'PLAINTEXT', kafkaVersion: '3.9.2' },
        ports,
        logDir: '/d',
      }),
    );
    expect(p['share.coordinator.state.topic.replication.factor']).toBeUndefined();
  });

  it('secures the client listener with SCRAM and an authorizer, keeping a PLAINTEXT internal listener', () => {
    const p = props(
      brokerProperties({
        spec: { name: 'a', security: 'SASL_PLAINTEXT', kafkaVersion: '4.3.1' },
        ports,
        logDir: '/d',
      }),
    );
    expect(p['listener.security.protocol.map']).toBe(
      'CLIENT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT',
    );
    expect(p['sasl.enabled.mechanisms']).toBe('SCRAM-SHA-512');
    expect(p['inter.broker.listener.name']).toBe('INTERNAL');
    expect(p['super.users']).toBe('User:ANONYMOUS;User:ferry');
    expect(p['allow.everyone.if.no.acl.found']).toBe('false');
  });

  it('points a TLS listener at PEM files and refuses to build without them', () => {
    const spec = { name: 's', security: 'SSL' as const, kafkaVersion: '4.3.1' };
    const p = props(
      brokerProperties({ spec, ports, logDir: '/d', tls: { caPem: '/ca.pem', keystorePem: '/ks.pem' } }),
    );
    expect(p['listener.name.client.ssl.keystore.type']).toBe('PEM');
    expect(p['listener.name.client.ssl.truststore.location']).toBe('/ca.pem');
    expect(() => brokerProperties({ spec, ports, logDir: '/d' })).toThrow(/no certificates/);
  });

  it('adds an OAUTH listener (SASL_PLAINTEXT, OAUTHBEARER validated by the JWKS) and the JVM allow-list', () => {
    const oauthbearer = {
      jwksUrl: 'http://127.0.0.1:1/jwks',
      allowedUrls: ['http://127.0.0.1:1/jwks', 'http://127.0.0.1:1/token'],
      expectedIssuer: 'http://127.0.0.1:1',
      expectedAudience: 'urn:k',
    };
    const spec = { name: 'o', security: 'PLAINTEXT' as const, kafkaVersion: '4.3.1', oauthbearer };
    const p = props(brokerProperties({ spec, ports, logDir: '/d' }));
    expect(p.listeners).toBe('CLIENT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093,OAUTH://127.0.0.1:19095');
    expect(p['advertised.listeners']).toBe('CLIENT://127.0.0.1:19092,OAUTH://127.0.0.1:19095');
    expect(p['listener.security.protocol.map']).toBe(
      'CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT,OAUTH:SASL_PLAINTEXT',
    );
    expect(p).toMatchObject({
      'inter.broker.listener.name': 'CLIENT',
      'listener.name.oauth.sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.oauth.oauthbearer.sasl.server.callback.handler.class':
        'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
      'listener.name.oauth.oauthbearer.sasl.oauthbearer.jwks.endpoint.url': 'http://127.0.0.1:1/jwks',
      'listener.name.oauth.oauthbearer.sasl.oauthbearer.expected.issuer': 'http://127.0.0.1:1',
      'listener.name.oauth.oauthbearer.sasl.oauthbearer.expected.audience': 'urn:k',
    });
    expect(brokerJvmProperties(spec)).toEqual([
      '-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=http://127.0.0.1:1/jwks,http://127.0.0.1:1/token',
    ]);
    expect(brokerJvmProperties({})).toEqual([]);
  });
});

describe('formatExtraArgs and cluster ids', () => {
  it('creates SCRAM users at format time only for SASL clusters', () => {
    expect(formatExtraArgs({ name: 'e', security: 'PLAINTEXT', kafkaVersion: '4.3.1' })).toEqual([]);
    expect(formatExtraArgs({ name: 'a', security: 'SASL_PLAINTEXT', kafkaVersion: '4.3.1' })).toContain(
      'SCRAM-SHA-512=[name=ferry,password=ferry-secret]',
    );
  });

  it('never starts a cluster id with a dash (StorageTool would read it as an option)', () => {
    const bytes = [Buffer.from('fb'.repeat(16), 'hex'), Buffer.alloc(16, 1)];
    let i = 0;
    const id = newClusterId(() => bytes[i++]!);
    expect(id).toBe(Buffer.alloc(16, 1).toString('base64url'));
    expect(id).toHaveLength(22);
  });
});
