import { describe, expect, it } from 'vitest';
import { leadersPending } from '../../src/discovery/discovery.ts';

// How kafkajs' createTopics({ waitForLeaders: true }) fails: a refused CreateTopics carries a per-topic
// `errors` list (KafkaJSAggregateError); a wait for leaders that gave up throws the metadata error itself.
describe('leadersPending', () => {
  it.each([
    ['metadata: unknown topic (leaders not elected yet)', { type: 'UNKNOWN_TOPIC_OR_PARTITION' }, true],
    ['metadata: leader not available', { type: 'LEADER_NOT_AVAILABLE' }, true],
    ['metadata: not leader', { type: 'NOT_LEADER_OR_FOLLOWER' }, true],
    [
      'CreateTopics refused a topic',
      { type: 'UNKNOWN_TOPIC_OR_PARTITION', errors: [{ type: 'INVALID_REPLICATION_FACTOR' }] },
      false,
    ],
    ['CreateTopics: already exists list', { errors: [{ type: 'TOPIC_ALREADY_EXISTS' }] }, false],
    [
      "kafkajs' wait timed out",
      { name: 'KafkaJSTimeout', message: 'Timed out while waiting for topic leaders' },
      true,
    ],
    ['another timeout', { name: 'KafkaJSTimeout', message: 'Request Metadata timed out' }, false],
    ['authorization', { type: 'TOPIC_AUTHORIZATION_FAILED' }, false],
    ['a plain error', new Error('connection refused'), false],
    ['not an object', 'UNKNOWN_TOPIC_OR_PARTITION', false],
    ['null', null, false],
  ])('%s', (_name, e, expected) => {
    expect(leadersPending(e)).toBe(expected);
  });
});
