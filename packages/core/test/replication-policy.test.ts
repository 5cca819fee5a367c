import { describe, expect, it } from 'vitest';
import { defaultFlowConfig } from '../src/flow-config.ts';
import { patternError } from '../src/patterns.ts';
import { previewTopics } from '../src/preview-flow.ts';
import { isCycle, isMm2InternalTopic, policyFor } from '../src/replication-policy.ts';

describe('formatRemoteTopic', () => {
  it.each([
    ['default', 'east', 'orders', '.', 'east.orders'],
    ['default', 'east', 'orders', '_', 'east_orders'],
    ['default', 'us-1', 'a.b', '.', 'us-1.a.b'],
    ['identity', 'east', 'orders', '.', 'orders'],
  ] as const)('%s %s %s sep %s -> %s', (policy, alias, topic, sep, expected) =>
    expect(policyFor(policy, sep).formatRemoteTopic(alias, topic)).toBe(expected),
  );
});

describe('topicSource / isCycle', () => {
  it.each([
    ['east.orders', 'east'],
    ['orders', undefined],
    ['.hidden', undefined],
  ] as const)('%s comes from %s', (t, src) => expect(policyFor('default').topicSource(t)).toBe(src));
  it('identity never knows the source', () =>
    expect(policyFor('identity').topicSource('east.orders')).toBeUndefined());
  it.each([
    ['west.orders', 'west', true],
    // any number of hops, as discovery decides (the old one-hop check let this one through)
    ['central.west.orders', 'west', true],
    ['central.orders', 'west', false],
  ] as const)('%s into %s: cycle %s', (t, target, v) =>
    expect(isCycle(policyFor('default'), t, target)).toBe(v),
  );
});

describe('isMm2InternalTopic', () => {
  it.each([
    ['__consumer_offsets', true],
    ['east.checkpoints.internal', true],
    ['mm2-offset-syncs.west.internal', true],
    ['ferry-offset-syncs.east.internal', true],
    // replicated by the engine, so not internal: heartbeats and MM2's Connect topics such as mm2-configs
    ['heartbeats', false],
    ['mm2-configs.west', false],
    ['orders', false],
  ] as const)('%s -> %s', (t, v) => expect(isMm2InternalTopic(t)).toBe(v));
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

describe('previewTopics (the decision topic discovery makes)', () => {
  const topics = [
    'orders',
    'payments',
    'west.orders',
    'central.west.orders',
    '__consumer_offsets',
    'heartbeats',
    'west.heartbeats',
    'tmp-internal',
    'mm2-configs.east',
    'audit',
  ];
  it('applies filters, hides internals and topics that passed through the target, names remotes', () => {
    const c = { ...defaultFlowConfig(), topics: ['orders', 'pay.*', '.*west\\..*'], topicsExclude: [] };
    expect(previewTopics(topics, c, 'east', 'west')).toEqual([
      // heartbeats travel every hop except back, whatever the filter says
      { topic: 'heartbeats', remoteTopic: 'east.heartbeats' },
      { topic: 'orders', remoteTopic: 'east.orders' },
      { topic: 'payments', remoteTopic: 'east.payments' },
    ]);
  });
  it('identity keeps names', () => {
    const c = { ...defaultFlowConfig(), replicationPolicy: 'identity' as const, topics: ['audit'] };
    expect(previewTopics(topics, c, 'east', 'west')).toEqual([
      { topic: 'audit', remoteTopic: 'audit' },
      { topic: 'heartbeats', remoteTopic: 'east.heartbeats' },
    ]);
  });
  it('exclusions win; mm2-* topics that are not internal are replicated like any other', () => {
    const c = { ...defaultFlowConfig(), topics: ['.*'], topicsExclude: ['pay.*', 'west\\..*'] };
    expect(previewTopics(topics, c, 'east', 'west').map((r) => r.topic)).toEqual([
      'audit',
      'heartbeats',
      'mm2-configs.east',
      'orders',
      // only the default topics.exclude leaves out *-internal; this flow replaced it
      'tmp-internal',
    ]);
  });
});
