import { splitList } from '@ferry/core';
import { describe, expect, it } from 'vitest';
import { groupFilter } from '../../src/checkpoints/group-filter.ts';
import { defaultReplicationPolicy, shouldReplicate, topicFilter } from '../../src/index.ts';

describe('topicFilter (MM2 semantics: full match, exclude wins)', () => {
  const defaults = topicFilter();
  it.each([
    ['orders', true],
    ['orders-internal', false],
    ['orders.internal', false],
    ['mm2-offset-syncs.west.internal', false],
    ['orders.replica', false],
    ['__consumer_offsets', false],
    ['__transaction_state', false],
    ['internal-orders', true],
    ['orders_internal', true],
  ])('defaults: %s -> %s', (topic, ok) => {
    expect(defaults.shouldReplicate(topic)).toBe(ok);
  });

  it.each([
    [['orders.*'], [], 'orders-eu', true],
    [['orders.*'], [], 'eu-orders', false],
    [['orders'], [], 'orders2', false],
    [['a', 'b.*'], [], 'bcd', true],
    [['.*'], ['secret.*'], 'secret-x', false],
    [['.*'], ['secret'], 'secret-x', true],
    [[], [], 'anything', false],
  ])('include %j exclude %j: %s -> %s', (inc, exc, topic, ok) => {
    expect(topicFilter(inc, exc).shouldReplicate(topic)).toBe(ok);
  });

  it('rejects an invalid pattern naming the key', () => {
    expect(() => topicFilter(['('], [])).toThrow(/^topics=\(: not a valid regular expression/);
    expect(() => topicFilter(['.*'], ['[z-a]'])).toThrow(/^topics\.exclude=\[z-a\]/);
  });

  it('splits comma-separated lists like MM2', () => {
    expect(splitList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(splitList(undefined)).toEqual([]);
  });
});

describe('shouldReplicate (filter + internal topics + cycles + heartbeats)', () => {
  const policy = defaultReplicationPolicy();
  const filter = topicFilter(['orders.*'], []);
  it.each([
    ['orders', true],
    ['west.orders', false],
    ['payments', false],
    ['heartbeats', true],
    ['central.heartbeats', true],
    ['west.heartbeats', false],
    ['ferry-positions.east.internal', false],
    ['east.checkpoints.internal', false],
  ])('east->west: %s -> %s', (topic, ok) => {
    expect(shouldReplicate(filter, policy, 'west', topic)).toBe(ok);
  });
});

describe('topic and group patterns run in linear time (finding 3, ReDoS)', () => {
  it('a catastrophic pattern answers at once against a long source topic name', () => {
    const f = topicFilter(['(a+)+', '(.*a){12}'], []);
    const g = groupFilter(['(a|aa)+'], []);
    const name = `${'a'.repeat(240)}-`;
    const t0 = performance.now();
    expect(f.shouldReplicate(name)).toBe(false);
    expect(g.shouldReplicateGroup(name)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(250);
  });

  it('refuses a pattern RE2 cannot run in linear time, naming the key', () => {
    expect(() => topicFilter(['(a)\\1'], [])).toThrow(/topics=\(a\)\\1: not a valid regular expression/);
    expect(() => groupFilter(['.*'], ['(?!x).*'])).toThrow(/groups\.exclude=/);
  });
});
