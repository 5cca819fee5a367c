import { describe, expect, it } from 'vitest';
import { defaultFlowConfig } from '../src/flow-config.ts';
import { previewTopics } from '../src/preview-flow.ts';
import { isInternalTopic, isReplicaOf, remoteTopicName, topicSource } from '../src/replication-policy.ts';
import { patternError } from '../src/topic-filter.ts';

describe('remoteTopicName', () => {
  it.each([
    ['default', 'east', 'orders', '.', 'east.orders'],
    ['default', 'east', 'orders', '_', 'east_orders'],
    ['default', 'us-1', 'a.b', '.', 'us-1.a.b'],
    ['identity', 'east', 'orders', '.', 'orders'],
  ] as const)('%s %s %s sep %s -> %s', (policy, alias, topic, sep, expected) =>
    expect(remoteTopicName(policy, alias, topic, sep)).toBe(expected),
  );
});

describe('topicSource / isReplicaOf', () => {
  it.each([
    ['east.orders', 'east'],
    ['orders', null],
    ['.hidden', null],
  ] as const)('%s comes from %s', (t, src) => expect(topicSource('default', t)).toBe(src));
  it('identity never knows the source', () => expect(topicSource('identity', 'east.orders')).toBeNull());
  it('detects replicas of the target', () =>
    expect(isReplicaOf('default', 'west.orders', 'west')).toBe(true));
});

describe('isInternalTopic', () => {
  it.each([
    ['__consumer_offsets', true],
    ['heartbeats', true],
    ['east.checkpoints.internal', true],
    ['mm2-offset-syncs.west.internal', true],
    ['orders', false],
  ] as const)('%s -> %s', (t, v) => expect(isInternalTopic(t)).toBe(v));
});

describe('patternError', () => {
  it.each([
    ['orders.*', null],
    ['(unclosed', 'not a valid regular expression'],
    ['', 'pattern is empty'],
  ] as const)('%s', (p, err) =>
    err ? expect(patternError(p)).toContain(err) : expect(patternError(p)).toBeNull(),
  );
});

describe('previewTopics', () => {
  const topics = [
    'orders',
    'payments',
    'west.orders',
    '__consumer_offsets',
    'heartbeats',
    'tmp-internal',
    'audit',
  ];
  it('applies filters, hides internals and replicas of the target, names remotes', () => {
    const c = { ...defaultFlowConfig(), topics: ['orders', 'pay.*', 'west\\..*'], topicsExclude: [] };
    expect(previewTopics(topics, c, 'east', 'west')).toEqual([
      { topic: 'orders', remoteTopic: 'east.orders' },
      { topic: 'payments', remoteTopic: 'east.payments' },
    ]);
  });
  it('identity keeps names', () => {
    const c = { ...defaultFlowConfig(), replicationPolicy: 'identity' as const, topics: ['audit'] };
    expect(previewTopics(topics, c, 'east', 'west')).toEqual([{ topic: 'audit', remoteTopic: 'audit' }]);
  });
  it('exclusions win', () => {
    const c = { ...defaultFlowConfig(), topics: ['.*'], topicsExclude: ['pay.*', 'west\\..*'] };
    expect(previewTopics(topics, c, 'east', 'west').map((r) => r.topic)).toEqual(['audit', 'orders']);
  });
});
