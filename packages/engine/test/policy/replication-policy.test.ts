import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  defaultReplicationPolicy,
  identityReplicationPolicy,
  isCycle,
  replicationPolicyFromClass,
  upstreamChain,
} from '../../src/index.ts';

const dflt = defaultReplicationPolicy();
const dash = defaultReplicationPolicy('_');
const identity = identityReplicationPolicy();

describe('formatRemoteTopic', () => {
  it.each([
    [dflt, 'east', 'orders', 'east.orders'],
    [dflt, 'east', 'west.orders', 'east.west.orders'],
    [dash, 'east', 'orders', 'east_orders'],
    [identity, 'east', 'orders', 'orders'],
    [identity, 'east', 'heartbeats', 'east.heartbeats'],
  ])('%#: %s', (policy, source, topic, remote) => {
    expect(policy.formatRemoteTopic(source, topic)).toBe(remote);
  });
});

describe('topicSource / upstreamTopic', () => {
  it.each([
    [dflt, 'east.orders', 'east', 'orders'],
    [dflt, 'west.east.orders', 'west', 'east.orders'],
    [dflt, 'orders', undefined, undefined],
    [dflt, '.hidden', undefined, undefined],
    [dash, 'east_orders.v1', 'east', 'orders.v1'],
    [dash, 'east.orders', undefined, undefined],
    [identity, 'east.orders', undefined, 'east.orders'],
    [identity, 'east.heartbeats', 'east', 'heartbeats'],
  ])('%#: %s', (policy, topic, source, upstream) => {
    expect(policy.topicSource(topic)).toBe(source);
    expect(policy.upstreamTopic(topic)).toBe(upstream);
  });
});

describe('cycle detection', () => {
  it.each([
    ['orders', 'west', false],
    ['east.orders', 'west', false],
    ['west.orders', 'west', true],
    ['east.west.orders', 'west', true],
    ['east.central.orders', 'west', false],
    ['heartbeats', 'west', false],
    ['west.heartbeats', 'west', true],
    ['east.heartbeats', 'west', false],
  ])('%s -> %s: cycle=%s', (topic, target, cycle) => {
    expect(isCycle(dflt, topic, target)).toBe(cycle);
  });

  it('follows the whole chain of hops', () => {
    expect(upstreamChain(dflt, 'a.b.c.topic')).toEqual(['a', 'b', 'c']);
    expect(upstreamChain(identity, 'topic')).toEqual([]);
  });
});

describe('replication.policy.class', () => {
  it.each([
    ['org.apache.kafka.connect.mirror.DefaultReplicationPolicy', 'default'],
    ['org.apache.kafka.connect.mirror.IdentityReplicationPolicy', 'identity'],
    [' DefaultReplicationPolicy ', 'default'],
  ])('%s', (cls, kind) => {
    expect(replicationPolicyFromClass(cls).kind).toBe(kind);
  });

  it('rejects an unknown class with the key, the value and the supported names', () => {
    expect(() => replicationPolicyFromClass('com.acme.MyPolicy')).toThrow(ConfigError);
    expect(() => replicationPolicyFromClass('com.acme.MyPolicy')).toThrow(
      /replication\.policy\.class=com\.acme\.MyPolicy: unknown policy; supported: org\.apache/,
    );
  });

  it('rejects an empty separator', () => {
    expect(() => defaultReplicationPolicy('')).toThrow(/separator/);
  });
});
