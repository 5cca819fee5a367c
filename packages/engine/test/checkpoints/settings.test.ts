import { describe, expect, it } from 'vitest';
import { groupFilter, resolveSyncSettings } from '../../src/checkpoints/index.ts';

describe('group filter (MM2 DefaultGroupFilter)', () => {
  it.each([
    { group: 'orders', include: undefined, exclude: undefined, want: true },
    { group: 'console-consumer-123', include: undefined, exclude: undefined, want: false },
    { group: 'connect-sink', include: undefined, exclude: undefined, want: false },
    { group: '__internal', include: undefined, exclude: undefined, want: false },
    { group: 'ferry-positions.east.west', include: undefined, exclude: undefined, want: false },
    { group: 'ferry-reader.abc', include: ['.*'], exclude: [], want: false },
    { group: 'orders', include: ['pay.*'], exclude: undefined, want: false },
    { group: 'payments', include: ['pay.*'], exclude: undefined, want: true },
    { group: 'payments-test', include: ['pay.*'], exclude: ['.*-test'], want: false },
    { group: 'xpayments', include: ['pay.*'], exclude: undefined, want: false },
  ])('$group include=$include exclude=$exclude → $want', ({ group, include, exclude, want }) => {
    expect(groupFilter(include, exclude).shouldReplicateGroup(group)).toBe(want);
  });
});

describe('resolveSyncSettings', () => {
  it('MM2 defaults', () => {
    const s = resolveSyncSettings(new Map(), 'east', 'west');
    expect(s).toMatchObject({
      groups: ['.*'],
      groupsExclude: ['console-consumer-.*', 'connect-.*', '__.*'],
      refreshGroupsIntervalMs: 600_000,
      emitCheckpointsEnabled: true,
      emitCheckpointsIntervalMs: 60_000,
      syncGroupOffsetsEnabled: false,
      syncGroupOffsetsIntervalMs: 60_000,
      emitHeartbeatsEnabled: true,
      emitHeartbeatsIntervalMs: 1000,
      syncTopicConfigsEnabled: true,
      syncTopicConfigsIntervalMs: 600_000,
      syncTopicAclsEnabled: true,
      syncTopicAclsIntervalMs: 600_000,
      offsetSyncsTopicLocation: 'target',
      notices: [],
    });
  });

  it.each([
    { props: { 'emit.checkpoints.interval.seconds': '5' }, field: 'emitCheckpointsIntervalMs', want: 5000 },
    {
      props: {
        'emit.checkpoints.interval.seconds': '5',
        'east->west.emit.checkpoints.interval.seconds': '2',
      },
      field: 'emitCheckpointsIntervalMs',
      want: 2000,
    },
    {
      props: { 'west->east.emit.checkpoints.interval.seconds': '2' },
      field: 'emitCheckpointsIntervalMs',
      want: 60_000,
    },
    { props: { groups: 'a.*, b' }, field: 'groups', want: ['a.*', 'b'] },
    { props: { 'sync.group.offsets.enabled': 'TRUE' }, field: 'syncGroupOffsetsEnabled', want: true },
    {
      props: { 'config.properties.exclude': 'retention\\..*' },
      field: 'configPropertiesExclude',
      want: ['retention\\..*'],
    },
    { props: { 'emit.heartbeats.interval.seconds': '0.5' }, field: 'emitHeartbeatsIntervalMs', want: 500 },
  ])('$props → $field', ({ props, field, want }) => {
    expect(resolveSyncSettings(new Map(Object.entries(props)), 'east', 'west')[field as 'groups']).toEqual(
      want,
    );
  });

  it.each([
    { key: 'emit.checkpoints.interval.seconds', value: '0' },
    { key: 'sync.group.offsets.enabled', value: 'yes' },
    { key: 'offset-syncs.topic.location', value: 'elsewhere' },
    { key: 'checkpoints.topic.replication.factor', value: '0' },
  ])('rejects $key=$value naming the key', ({ key, value }) => {
    expect(() => resolveSyncSettings(new Map([[key, value]]), 'east', 'west')).toThrow(
      new RegExp(key.replace(/\./g, '\\.')),
    );
  });

  it('offset-syncs.topic.location=source is accepted with a notice', () => {
    expect(
      resolveSyncSettings(new Map([['offset-syncs.topic.location', 'source']]), 'east', 'west').notices[0],
    ).toMatch(
      /keeps its exact offset syncs on the target \(west\).*mm2-offset-syncs\.west\.internal on east/,
    );
  });
});
