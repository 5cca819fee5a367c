import { splitList } from '@ferry/core';
import { describe, expect, it } from 'vitest';
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
