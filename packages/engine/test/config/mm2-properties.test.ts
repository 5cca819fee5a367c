import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadMm2PropertiesFile, parseMm2Config } from '../../src/index.ts';

const base = {
  clusters: 'east, west',
  'east.bootstrap.servers': 'e1:9092,e2:9092',
  'west.bootstrap.servers': 'w1:9092',
  'east->west.enabled': 'true',
};
const parse = (extra: Record<string, string> = {}) =>
  parseMm2Config(new Map(Object.entries({ ...base, ...extra })));

describe('parseMm2Config: flows and defaults', () => {
  it('resolves an enabled flow with MM2 defaults', () => {
    const { flows, notices } = parse();
    expect(notices).toEqual([]);
    expect(flows).toHaveLength(1);
    const f = flows[0]!;
    expect(f).toMatchObject({
      id: 'east->west',
      source: { alias: 'east', bootstrapServers: ['e1:9092', 'e2:9092'], securityProtocol: 'PLAINTEXT' },
      target: { alias: 'west', bootstrapServers: ['w1:9092'] },
      topics: ['.*'],
      topicsExclude: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'],
      refreshTopicsEnabled: true,
      refreshTopicsIntervalMs: 600_000,
      tasksMax: 1,
      replicationFactor: -1,
      exactlyOnce: true,
      startPosition: 'earliest',
    });
    expect(f.policy.kind).toBe('default');
    expect(f.policy.separator).toBe('.');
  });

  it('only enabled flows run (A->B.enabled defaults to false)', () => {
    expect(parse({ 'east->west.enabled': 'false' }).flows).toEqual([]);
    expect(parse({ 'west->east.enabled': 'true' }).flows.map((f) => f.id)).toEqual([
      'east->west',
      'west->east',
    ]);
  });

  it.each([
    // key precedence: A->B.<key> over <key> over default
    [{ 'tasks.max': '4' }, 'tasksMax', 4],
    [{ 'tasks.max': '4', 'east->west.tasks.max': '8' }, 'tasksMax', 8],
    [{ 'west->east.tasks.max': '8' }, 'tasksMax', 1],
    [{ topics: 'a.*, b' }, 'topics', ['a.*', 'b']],
    [{ 'east->west.topics.exclude': 'x' }, 'topicsExclude', ['x']],
    [{ 'refresh.topics.interval.seconds': '2.5' }, 'refreshTopicsIntervalMs', 2500],
    [{ 'replication.factor': '3' }, 'replicationFactor', 3],
    [{ 'exactly.once': 'false' }, 'exactlyOnce', false],
    [{ 'start.position': 'latest' }, 'startPosition', 'latest'],
    [{}, 'gapPolicy', 'continue'],
    [{ 'east->west.gap.policy': 'halt' }, 'gapPolicy', 'halt'],
    [{ 'refresh.topics.enabled': 'FALSE' }, 'refreshTopicsEnabled', false],
    [{}, 'transactionVersion', 'auto'],
    [{ 'east->west.transaction.version': '1' }, 'transactionVersion', 1],
    [{ 'transaction.version': 'AUTO' }, 'transactionVersion', 'auto'],
    [{}, 'fetchLingerMs', 50],
    [{ 'east->west.fetch.linger.ms': '0' }, 'fetchLingerMs', 0],
  ])('%j -> %s', (extra, field, value) => {
    expect((parse(extra).flows[0] as unknown as Record<string, unknown>)[field]).toEqual(value);
  });

  it('per-flow separator and policy class', () => {
    const f = parse({
      'east->west.replication.policy.separator': '_',
      'replication.policy.class': 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
    }).flows[0]!;
    expect(f.policy.kind).toBe('identity');
    expect(f.policy.separator).toBe('_');
  });

  it('per-cluster keys override top-level ones (MM2 cluster precedence)', () => {
    const f = parse({
      'security.protocol': 'SSL',
      'west.security.protocol': 'PLAINTEXT',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----',
    }).flows[0]!;
    expect(f.source.securityProtocol).toBe('SSL');
    expect(f.source.ssl?.ca).toContain('BEGIN CERTIFICATE');
    expect(f.target.securityProtocol).toBe('PLAINTEXT');
  });
});

describe('parseMm2Config: security', () => {
  const oauth = {
    'east.security.protocol': 'SASL_PLAINTEXT',
    'east.sasl.mechanism': 'OAUTHBEARER',
    'east.sasl.oauthbearer.token.endpoint.url': 'https://idp.example/oauth2/token',
    'east.sasl.login.callback.handler.class':
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
    'east.sasl.jaas.config':
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="ferry" clientSecret="s3" scope="kafka";',
  };

  it('OAUTHBEARER by client credentials: the token endpoint, clientId, clientSecret and scope; no notice', () => {
    const { flows, notices } = parse(oauth);
    expect(notices).toEqual([]);
    expect(flows[0]!.source.sasl).toEqual({
      mechanism: 'OAUTHBEARER',
      oauth: {
        tokenEndpointUrl: 'https://idp.example/oauth2/token',
        clientId: 'ferry',
        clientSecret: 's3',
        scope: 'kafka',
      },
    });
  });

  it.each([
    [
      { 'east.sasl.oauthbearer.token.endpoint.url': '' },
      /token\.endpoint\.url=.*required for SASL OAUTHBEARER/,
    ],
    [{ 'east.sasl.oauthbearer.token.endpoint.url': 'file:///tokens/t.jwt' }, /must be an http\(s\) URL/],
    [
      { 'east.sasl.login.callback.handler.class': 'com.acme.MyHandler' },
      /only Kafka's OAuthBearerLoginCallbackHandler/,
    ],
    [
      {
        'east.sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
      },
      /needs OAuthBearerLoginModule/,
    ],
    [
      {
        'east.sasl.jaas.config':
          'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="ferry";',
      },
      /must set clientId and clientSecret/,
    ],
  ])('OAUTHBEARER refused: %j', (bad, words) => {
    const extra: Record<string, string> = { ...oauth, ...bad };
    for (const [k, v] of Object.entries(extra)) if (v === '') delete extra[k];
    expect(() => parse(extra)).toThrow(words);
    try {
      parse(extra);
    } catch (e) {
      expect((e as Error).message).not.toContain('s3');
    }
  });

  it.each([
    ['PLAIN', 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";'],
    [
      'SCRAM-SHA-256',
      'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p w\\"q";',
    ],
    [
      'SCRAM-SHA-512',
      'org.apache.kafka.common.security.scram.ScramLoginModule required\n  username=u\n  password="p";',
    ],
  ])('%s', (mechanism, jaas) => {
    const f = parse({
      'east.security.protocol': 'SASL_SSL',
      'east.sasl.mechanism': mechanism,
      'east.sasl.jaas.config': jaas,
      'east.ssl.endpoint.identification.algorithm': '',
    }).flows[0]!;
    expect(f.source.sasl?.mechanism).toBe(mechanism);
    expect(f.source.sasl && 'username' in f.source.sasl && f.source.sasl.username).toBe('u');
    expect(f.source.ssl?.verifyHostname).toBe(false);
  });

  it('reads a PEM trust store from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-pem-'));
    writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
    const f = parse({
      'east.security.protocol': 'SSL',
      'east.ssl.truststore.type': 'PEM',
      'east.ssl.truststore.location': join(dir, 'ca.pem'),
    }).flows[0]!;
    expect(f.source.ssl?.ca).toContain('abc');
  });
});

describe('parseMm2Config: invalid values stop with key, value and reason', () => {
  it.each([
    [{ clusters: '' }, /^clusters=: list at least one cluster alias/],
    [{ 'east.bootstrap.servers': '' }, /east\.bootstrap\.servers=: required/],
    [{ 'west.bootstrap.servers': 'w1' }, /^west\.bootstrap\.servers=w1: "w1" is not host:port/],
    [{ 'tasks.max': '0' }, /^tasks\.max=0: must be between 1 and 10000/],
    [{ 'east->west.tasks.max': 'two' }, /^east->west\.tasks\.max=two: must be a number/],
    [{ 'tasks.max': '1.5' }, /^tasks\.max=1\.5: must be an integer/],
    [{ 'refresh.topics.enabled': 'yes' }, /^refresh\.topics\.enabled=yes: must be true or false/],
    [{ 'east->west.topics': 'a,(b' }, /^east->west\.topics=\(b: not a valid regular expression/],
    [{ 'replication.policy.class': 'x.Y' }, /^replication\.policy\.class=x\.Y: unknown policy/],
    [
      { 'east.security.protocol': 'TLS' },
      /^east\.security\.protocol=TLS: must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL/,
    ],
    [
      { 'east.security.protocol': 'SASL_PLAINTEXT', 'east.sasl.mechanism': 'GSSAPI' },
      /^east\.sasl\.mechanism=GSSAPI: supported: PLAIN/,
    ],
    [
      { 'east.security.protocol': 'SASL_PLAINTEXT', 'east.sasl.mechanism': 'PLAIN' },
      /^east\.sasl\.jaas\.config=\(unset\): required for SASL PLAIN/,
    ],
    [
      {
        'security.protocol': 'SASL_PLAINTEXT',
        'sasl.mechanism': 'PLAIN',
        'sasl.jaas.config':
          'org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";',
      },
      /sasl\.jaas\.config=org\.apache\.kafka\.common\.security\.scram\.ScramLoginModule: sasl\.mechanism=PLAIN needs PlainLoginModule/,
    ],
    [
      // JKS (MM2's default store type) is read now; a missing file is named
      { 'east.security.protocol': 'SSL', 'east.ssl.truststore.location': '/x.jks' },
      /^east\.ssl\.truststore\.location=\/x\.jks: cannot read truststore/,
    ],
    [{ 'start.position': 'middle' }, /^start\.position=middle: must be earliest or latest/],
    [{ 'east->west.gap.policy': 'skip' }, /^east->west\.gap\.policy=skip: must be continue or halt/],
    [
      { 'transaction.version': '2' },
      /^transaction\.version=2: must be auto \(V2 where the target offers it, else V1\) or 1/,
    ],
    [{ 'replication.factor': '0' }, /replication\.factor=0: must be -1/],
    [{ 'fetch.linger.ms': '501' }, /^fetch\.linger\.ms=501: /],
    [{ 'east->north.enabled': 'true' }, /^east->north\.enabled=true: names a cluster not listed/],
    [
      { 'west->east.enabled': 'true', 'replication.policy.class': 'IdentityReplicationPolicy' },
      /both run with the identity policy: records would loop/,
    ],
  ])('%j', (extra, message) => {
    expect(() => parse(extra)).toThrow(ConfigError);
    expect(() => parse(extra)).toThrow(message);
  });

  it('never echoes a password', () => {
    try {
      parse({
        'east.security.protocol': 'SASL_PLAINTEXT',
        'east.sasl.mechanism': 'PLAIN',
        'east.sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule username="u" password="hunter2"',
      });
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
      return;
    }
    throw new Error('expected a ConfigError');
  });
});

describe('parseMm2Config: unknown and unsupported keys are listed, never silently dropped', () => {
  it('classifies every key it does not use', () => {
    const { notices } = parse({
      // checkpoint, heartbeat and sync keys are used (by the sync runner): no notice for them
      'emit.checkpoints.enabled': 'true',
      'east->west.sync.topic.acls.enabled': 'false',
      'offset.lag.max': '100',
      'east->west.topic.filter.class': 'x.Filter',
      'east.consumer.max.poll.records': '100',
      // ssl.truststore.password is read now (JKS/PKCS12 stores); another ssl.* key stands in for it
      'ssl.keymanager.algorithm': 'x',
      'some.typo': '1',
      'east->west.also.a.typo': '2',
    });
    expect(notices.map((n) => [n.key, n.kind])).toEqual([
      ['offset.lag.max', 'unsupported'],
      ['east->west.topic.filter.class', 'unsupported'],
      ['east.consumer.max.poll.records', 'unsupported'],
      ['ssl.keymanager.algorithm', 'unsupported'],
      ['some.typo', 'unknown'],
      ['east->west.also.a.typo', 'unknown'],
    ]);
  });
});

describe('loadMm2PropertiesFile', () => {
  it('reads the example file', () => {
    const cfg = loadMm2PropertiesFile(
      new URL('../../../../examples/east-to-west.properties', import.meta.url).pathname,
    );
    expect(cfg.flows.map((f) => f.id)).toEqual(['east->west']);
    expect(cfg.notices).toEqual([]);
    expect(cfg.flows[0]!.source.bootstrapServers).toEqual(['127.0.0.1:19092']);
  });

  it('names the file it cannot read', () => {
    expect(() => loadMm2PropertiesFile('/nonexistent/mm2.properties')).toThrow(
      /^file=\/nonexistent\/mm2\.properties: cannot read/,
    );
  });
});
