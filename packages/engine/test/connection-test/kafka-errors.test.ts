import { describe, expect, it } from 'vitest';
import { explainKafkaError } from '../../src/connection-test/explain-kafka-error.ts';
import { guessKafkaVersion } from '../../src/connection-test/kafka-version.ts';

describe('explainKafkaError', () => {
  // The sentences themselves are core's errorSentence (table-tested there); this checks the connection
  // test's wiring: kafkajs' shapes in, core's words out, the tested cluster named.
  it.each([
    [
      { type: 'SASL_AUTHENTICATION_FAILED', message: 'SASL SCRAM SHA512 authentication failed' },
      /^Authentication failed/,
    ],
    [{ type: 'TOPIC_AUTHORIZATION_FAILED', message: 'Not authorized to access topics' }, /^Not authorised/],
    [
      {
        name: 'KafkaJSConnectionError',
        code: 'SELF_SIGNED_CERT_IN_CHAIN',
        message: 'Connection error: self-signed certificate in certificate chain',
      },
      /not trusted/,
    ],
    [
      {
        name: 'KafkaJSConnectionError',
        code: 'ECONNREFUSED',
        message: 'Connection error: connect ECONNREFUSED 127.0.0.1:1',
      },
      /^Cannot reach the brokers: connection refused.*the cluster east is up/,
    ],
    [
      { name: 'KafkaJSConnectionError', message: 'Connection timeout' },
      /^Cannot reach the brokers: Connection timeout/,
    ],
    [{ name: 'KafkaJSConnectionClosedError', message: 'Closed connection' }, /closed the connection/],
    [{ message: 'something odd' }, /^something odd\.$/],
  ])('%j', (e, words) => expect(explainKafkaError(e, 'east')).toMatch(words));
});

describe('guessKafkaVersion', () => {
  it.each([
    [{ minVersion: 4, maxVersion: 18 }, 'Kafka 4.x (Fetch v4–v18)'],
    [{ minVersion: 0, maxVersion: 17 }, 'Kafka 3.9 (Fetch v0–v17)'],
    [{ minVersion: 0, maxVersion: 13 }, 'Kafka 3.1–3.4 (Fetch v0–v13)'],
    [undefined, null],
  ])('%j → %s', (fetch, expected) => expect(guessKafkaVersion(fetch)).toBe(expected));
});
