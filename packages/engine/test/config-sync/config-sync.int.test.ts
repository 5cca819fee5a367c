import { waitFor } from '@ferry/testkit';
import { REPLICATION_PAIRS, uniqueName } from '@ferry/testkit/vitest';
import kafkajs from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncEvent } from '../../src/checkpoints/index.ts';
import {
  configPropertyFilter,
  configsToSync,
  DEFAULT_CONFIG_PROPERTIES_EXCLUDE,
  type TopicConfigEntry,
  TopicConfigSync,
} from '../../src/config-sync/index.ts';
import { withAdmin } from '../checkpoints/drill-helpers.ts';
import { createTopic, flowBetween, kafka } from '../helpers/kafka.ts';

const { ConfigResourceTypes } = kafkajs;
const e = (
  name: string,
  value: string | null,
  isTopicOverride = true,
  extra: Partial<TopicConfigEntry> = {},
): TopicConfigEntry => ({ name, value, isTopicOverride, ...extra });

describe('config property filter (MM2 DefaultConfigPropertyFilter)', () => {
  it.each([
    { name: 'retention.ms', exclude: undefined, copied: true },
    { name: 'cleanup.policy', exclude: undefined, copied: true },
    { name: 'min.insync.replicas', exclude: undefined, copied: false },
    { name: 'unclean.leader.election.enable', exclude: undefined, copied: false },
    { name: 'message.timestamp.type', exclude: undefined, copied: false },
    { name: 'leader.replication.throttled.replicas', exclude: undefined, copied: false },
    { name: 'retention.ms', exclude: ['retention\\..*'], copied: false },
    { name: 'min.insync.replicas', exclude: ['retention\\..*'], copied: true },
    { name: 'xmin.insync.replicas', exclude: undefined, copied: true },
  ])('$name with exclude=$exclude → copied: $copied', ({ name, exclude, copied }) => {
    expect(configPropertyFilter(exclude).shouldReplicateConfigProperty(name)).toBe(copied);
  });

  it('copies only topic overrides, never sensitive or read-only ones, sorted', () => {
    const f = configPropertyFilter(DEFAULT_CONFIG_PROPERTIES_EXCLUDE);
    expect(
      configsToSync(
        [
          e('segment.ms', '100'),
          e('retention.ms', '1000'),
          e('max.message.bytes', '1000', false),
          e('min.insync.replicas', '2'),
          e('secret', 'x', true, { isSensitive: true }),
          e('ro', 'x', true, { readOnly: true }),
          e('nullv', null),
        ],
        f,
      ),
    ).toEqual([
      { name: 'retention.ms', value: '1000' },
      { name: 'segment.ms', value: '100' },
    ]);
  });

  it('rejects an invalid regular expression naming the key', () => {
    expect(() => configPropertyFilter(['('])).toThrow(/config.properties.exclude/);
  });
});

describe.each(REPLICATION_PAIRS)('topic-config sync $label ($source -> $target)', ({ source, target }) => {
  let sync: TopicConfigSync | undefined;
  afterEach(async () => {
    await sync?.stop();
    sync = undefined;
  });

  it('a config change on the source topic appears on the remote topic within the interval; excluded properties do not; target-side excluded overrides are kept', async () => {
    const topic = uniqueName('cfg');
    const remote = `${source}.${topic}`;
    await createTopic(source, topic, 1, [
      { name: 'retention.ms', value: '3600000' },
      { name: 'min.insync.replicas', value: '1' },
    ]);
    await createTopic(target, remote, 1, [{ name: 'unclean.leader.election.enable', value: 'true' }]);
    const flow = flowBetween(source, target, { topics: topic });
    const src = kafka(source).admin();
    const dst = kafka(target).admin();
    await src.connect();
    await dst.connect();
    const events: SyncEvent[] = [];
    try {
      sync = new TopicConfigSync(flow, src, dst, { intervalMs: 500 }, (x) => events.push(x));
      const first = await sync.syncOnce();
      // (heartbeat topics are always part of a flow; this test looks at its own topic)
      expect(first.find((r) => r.topic === topic)).toEqual({
        topic,
        remoteTopic: remote,
        ok: true,
        changed: [{ name: 'retention.ms', value: '3600000' }],
      });
      const remoteConfigs = async () =>
        Object.fromEntries(
          (
            await withAdmin(target, (a) =>
              a.describeConfigs({
                includeSynonyms: false,
                resources: [{ type: ConfigResourceTypes.TOPIC, name: remote }],
              }),
            )
          ).resources[0]!.configEntries.filter((c) => c.configSource === 1).map((c) => [
            c.configName,
            c.configValue,
          ]),
        );
      expect(await remoteConfigs()).toEqual({
        'retention.ms': '3600000',
        'unclean.leader.election.enable': 'true',
      });

      sync.start();
      await withAdmin(source, (a) =>
        a.alterConfigs({
          validateOnly: false,
          resources: [
            {
              type: ConfigResourceTypes.TOPIC,
              name: topic,
              configEntries: [
                { name: 'retention.ms', value: '7200000' },
                { name: 'cleanup.policy', value: 'compact' },
                { name: 'min.insync.replicas', value: '1' },
              ],
            },
          ],
        }),
      );
      const t0 = Date.now();
      await waitFor(async () => (await remoteConfigs())['retention.ms'] === '7200000', {
        timeoutMs: 10_000,
        intervalMs: 100,
        what: 'retention.ms on the remote topic',
      });
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(await remoteConfigs()).toEqual({
        'retention.ms': '7200000',
        'cleanup.policy': 'compact',
        'unclean.leader.election.enable': 'true',
      });
      expect(events.filter((x) => x.type === 'sync-error' && x.topic === topic)).toEqual([]);
    } finally {
      await sync?.stop();
      await src.disconnect();
      await dst.disconnect();
    }
  });
});
