import { describe, expect, it } from 'vitest';
import { errorCode, errorSentence, syncErrorWords } from '../src/error-words.ts';
import { FerryError } from '../src/ferry-error.ts';

/** Errors shaped as the clients raise them: kafkajs, Ferry's wire layer, Node's sockets, FerryError chains. */
const kafkajs = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });
const wrapped = (code: ConstructorParameters<typeof FerryError>[0], cause: unknown) =>
  new FerryError(code, `${(cause as Error).message}`, { cause });

describe('errorCode', () => {
  it.each([
    [
      kafkajs('KafkaJSProtocolError', 'SASL SCRAM SHA512 authentication failed', {
        type: 'SASL_AUTHENTICATION_FAILED',
        code: 58,
      }),
      'AUTHENTICATION_FAILED',
    ],
    [
      kafkajs('KafkaJSSASLAuthenticationError', 'SASL OAUTHBEARER: Invalid OAuth bearer token'),
      'AUTHENTICATION_FAILED',
    ],
    [
      kafkajs('KafkaJSProtocolError', 'Not authorized to access topics', {
        type: 'TOPIC_AUTHORIZATION_FAILED',
      }),
      'NOT_AUTHORIZED',
    ],
    [kafkajs('KafkaJSProtocolError', 'x', { type: 'GROUP_AUTHORIZATION_FAILED' }), 'NOT_AUTHORIZED'],
    [
      kafkajs('KafkaJSProtocolError', 'x', { type: 'UNSUPPORTED_SASL_MECHANISM' }),
      'UNSUPPORTED_SASL_MECHANISM',
    ],
    [
      kafkajs('KafkaJSConnectionError', 'Connection error: self-signed certificate in certificate chain', {
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      }),
      'TLS_UNTRUSTED',
    ],
    [
      kafkajs('KafkaJSConnectionError', 'Connection error: unable to verify the first certificate', {
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      }),
      'TLS_UNTRUSTED',
    ],
    [
      kafkajs('KafkaJSConnectionError', 'Connection error: wrong version number', {
        code: 'ERR_SSL_WRONG_VERSION_NUMBER',
      }),
      'TLS_MISMATCH',
    ],
    [
      kafkajs('KafkaJSConnectionError', 'Connection error: connect ECONNREFUSED 127.0.0.1:1', {
        code: 'ECONNREFUSED',
      }),
      'BROKER_REFUSED',
    ],
    [kafkajs('KafkaJSConnectionError', 'Connection timeout'), 'BROKER_UNREACHABLE'],
    [kafkajs('KafkaJSConnectionClosedError', 'Closed connection'), 'CONNECTION_CLOSED'],
    [
      Object.assign(new Error('a response frame of 352518912 bytes'), {
        name: 'NOT_KAFKA_PROTOCOL',
        code: 2,
      }),
      'PROTOCOL_MISMATCH',
    ],
    [
      kafkajs('KafkaJSRequestTimeoutError', 'Request Metadata(key: 3, version: 6) timed out'),
      'BROKER_TIMEOUT',
    ],
    // kafkajs' retrier wraps the last error as `cause`
    [
      kafkajs('KafkaJSNumberOfRetriesExceeded', 'connect ECONNREFUSED', {
        cause: kafkajs('KafkaJSConnectionError', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
      }),
      'BROKER_REFUSED',
    ],
    // the wire layer: Kafka error names, Node errors as causes
    [
      kafkajs('SASL_AUTHENTICATION_FAILED', 'SASL_AUTHENTICATION_FAILED: bad token', { code: 58 }),
      'AUTHENTICATION_FAILED',
    ],
    [kafkajs('TLS_HANDSHAKE_FAILED', 'TLS with 127.0.0.1:1 failed', { code: 13 }), 'TLS_UNTRUSTED'],
    [
      kafkajs('NETWORK_EXCEPTION', 'cannot reach 127.0.0.1:1', {
        code: 13,
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
      'BROKER_REFUSED',
    ],
    [
      Object.assign(new Error('refused by the network policy: 10.0.0.1'), { code: 'EPOLICY' }),
      'NETWORK_POLICY_REFUSED',
    ],
    // a step code gives way to the cause below it; a cause-type code wins
    [
      wrapped('FETCH_FAILED', kafkajs('KafkaJSProtocolError', 'x', { type: 'TOPIC_AUTHORIZATION_FAILED' })),
      'NOT_AUTHORIZED',
    ],
    [wrapped('FETCH_FAILED', new Error('odd')), 'FETCH_FAILED'],
    [
      wrapped(
        'SOURCE_UNAVAILABLE',
        kafkajs('KafkaJSConnectionError', 'connect ECONNREFUSED', { code: 'ECONNREFUSED' }),
      ),
      'SOURCE_UNAVAILABLE',
    ],
    [new FerryError('TASK_FENCED', 'fenced'), 'TASK_FENCED'],
    [kafkajs('KafkaJSProtocolError', 'x', { type: 'PRODUCER_FENCED' }), 'TASK_FENCED'],
    [new Error('something odd'), undefined],
    ['a string', undefined],
    [undefined, undefined],
  ])('%#: %s → %s', (e, code) => expect(errorCode(e)).toBe(code));

  it('never reads the message: the same words without the structured fields classify as nothing', () => {
    expect(
      errorCode(new Error('SASL_AUTHENTICATION_FAILED ECONNREFUSED self-signed certificate timeout')),
    ).toBe(undefined);
  });
});

describe('errorSentence', () => {
  const flow = { source: 'east', target: 'west' };
  it.each([
    [
      kafkajs('KafkaJSProtocolError', 'SASL SCRAM SHA512 authentication failed', {
        type: 'SASL_AUTHENTICATION_FAILED',
      }),
      {},
      /^Authentication failed: the broker rejected the username or password \(SASL SCRAM SHA512 authentication failed\)\. Check/,
    ],
    [
      kafkajs('KafkaJSProtocolError', 'Not authorized to access topics: [orders]', {
        type: 'TOPIC_AUTHORIZATION_FAILED',
      }),
      flow,
      /^Not authorised: .*\(Not authorized to access topics: \[orders\]\)\. Grant it READ on the source topics/,
    ],
    [
      kafkajs('KafkaJSConnectionError', 'Connection error: self-signed certificate', {
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
      }),
      {},
      /certificate is not trusted .* Paste the CA certificate/,
    ],
    [
      kafkajs('KafkaJSConnectionError', 'Connection error: wrong version number', {
        code: 'ERR_SSL_WRONG_VERSION_NUMBER',
      }),
      {},
      /check that this listener uses TLS/,
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' }),
      flow,
      /^Cannot reach the brokers: connection refused or host unknown \(connect ECONNREFUSED 127\.0\.0\.1:9092\)\. Check that the clusters east and west are up/,
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' }),
      { source: 'east' },
      /Check that the cluster east is up/,
    ],
    [
      kafkajs('KafkaJSConnectionError', 'Connection timeout'),
      flow,
      /^Cannot reach the brokers: Connection timeout\. Check that the clusters east and west are up, and the bootstrap servers, security protocol and port/,
    ],
    [
      kafkajs('KafkaJSRequestTimeoutError', 'Request timed out'),
      {},
      /^The brokers did not answer in time \(Request timed out\)/,
    ],
    [
      kafkajs('KafkaJSConnectionClosedError', 'Closed connection'),
      {},
      /^The broker closed the connection \(Closed connection\): often a security protocol mismatch/,
    ],
    [
      kafkajs('KafkaJSProtocolError', 'x', { type: 'UNSUPPORTED_SASL_MECHANISM' }),
      {},
      /^The broker does not support this SASL mechanism/,
    ],
    [
      wrapped(
        'SOURCE_UNAVAILABLE',
        Object.assign(new Error('NOT_KAFKA_PROTOCOL: a response frame of 352518912 bytes'), {
          name: 'NOT_KAFKA_PROTOCOL',
          code: 2,
        }),
      ),
      flow,
      /^The source cluster east does not answer in Kafka's protocol \(.*352518912 bytes\): its security protocol does not match the listener \(e\.g\. PLAINTEXT on a TLS listener\)/,
    ],
    [
      Object.assign(new Error('NOT_KAFKA_PROTOCOL: a response frame of 352518912 bytes'), {
        name: 'NOT_KAFKA_PROTOCOL',
        code: 2,
      }),
      {},
      /^The broker's answer is not Kafka's protocol \(.*352518912 bytes\): the security protocol does not match the listener/,
    ],
    [
      {
        code: 'INVALID_REPLICATION_FACTOR',
        message: 'Replication factor: 3 larger than available brokers: 1.',
      },
      flow,
      /^The target cluster west rejected topic creation: Replication factor: 3 larger than available brokers: 1\. Lower/,
    ],
    [new FerryError('TASK_FENCED', 'x'), flow, /replaced by a newer one \(fenced\)/],
    [
      wrapped('SOURCE_UNAVAILABLE', new Error('connect ECONNREFUSED')),
      flow,
      /^Cannot reach the source cluster east: connect ECONNREFUSED\. Check that it is up/,
    ],
    [
      wrapped('TARGET_UNAVAILABLE', new Error('timeout')),
      flow,
      /^Cannot reach the target cluster west: timeout\./,
    ],
    // reached, but the credentials were refused: not "check that it is up"
    [
      wrapped(
        'SOURCE_UNAVAILABLE',
        kafkajs(
          'KafkaJSSASLAuthenticationError',
          'SASL SCRAM SHA512 authentication failed: invalid credentials',
        ),
      ),
      flow,
      /^The source cluster east rejected Ferry's credentials \(SASL SCRAM SHA512 authentication failed: invalid credentials\)\. Check the cluster's SASL mechanism, username and password\.$/,
    ],
    [
      wrapped(
        'TARGET_UNAVAILABLE',
        kafkajs('KafkaJSProtocolError', 'auth', { type: 'SASL_AUTHENTICATION_FAILED' }),
      ),
      flow,
      /^The target cluster west rejected Ferry's credentials/,
    ],
    [
      new FerryError('VERIFY_READ_STALLED', 'no records for 30 s.'),
      flow,
      /^no records for 30 s\. A cluster stopped answering/,
    ],
    [
      new FerryError('OAUTH_TOKEN_FAILED', 'the token endpoint answered 401'),
      {},
      /^No OAuth token: the token endpoint answered 401\. Check the token endpoint URL/,
    ],
    [
      Object.assign(new Error('refused by the network policy: 10.0.0.1:9092'), { code: 'EPOLICY' }),
      {},
      /network policy does not allow/,
    ],
    [new Error('something\n  odd happened.'), flow, /^something odd happened\.$/],
    ['plain string', {}, /^plain string\.$/],
  ])('%#', (e, where, words) => expect(errorSentence(e, where)).toMatch(words));
});

describe('syncErrorWords', () => {
  it.each([
    [
      kafkajs('KafkaJSProtocolError', 'Not authorized', { type: 'CLUSTER_AUTHORIZATION_FAILED' }),
      {
        code: 'NOT_AUTHORIZED',
        message:
          "Ferry's user on east is not allowed to describe topic ACLs (CLUSTER_AUTHORIZATION_FAILED): grant it DESCRIBE on the cluster",
      },
    ],
    [
      kafkajs('KafkaJSProtocolError', 'This server does not host this topic-partition', {
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
      }),
      {
        code: 'SYNC_FAILED',
        message:
          'could not describe topic ACLs on east: This server does not host this topic-partition (UNKNOWN_TOPIC_OR_PARTITION)',
      },
    ],
    [new Error('boom'), { code: 'SYNC_FAILED', message: 'could not describe topic ACLs on east: boom' }],
  ])('%#', (e, expected) =>
    expect(syncErrorWords(e, 'describe topic ACLs', 'east', 'DESCRIBE on the cluster')).toEqual(expected),
  );
});
