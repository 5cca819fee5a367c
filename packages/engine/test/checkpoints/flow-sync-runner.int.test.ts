import { waitFor } from '@ferry/testkit';
import { uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commitGroupOffsets,
  FlowSyncRunner,
  resolveSyncSettings,
  type SyncEvent,
} from '../../src/checkpoints/index.ts';
import { decodeOffsetSync } from '../../src/mm2-formats/index.ts';
import { createTopic, flowBetween, kafka } from '../helpers/kafka.ts';
import { copyTopics } from './copy-loop.ts';
import { readToEnd, withAdmin } from './drill-helpers.ts';

describe('FlowSyncRunner (east -> west): everything besides the data path, on its intervals', () => {
  let runner: FlowSyncRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  it('emits heartbeats and checkpoints, syncs an idle group and topic configs, from MM2 properties', async () => {
    const topic = uniqueName('fsr');
    const remote = `east.${topic}`;
    await createTopic('east', topic, 1, [{ name: 'retention.ms', value: '86400000' }]);
    await createTopic('west', remote, 1);
    const p = kafka('east').producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    await p.send({ topic, acks: -1, messages: Array.from({ length: 20 }, (_, i) => ({ value: `v${i}` })) });
    await p.disconnect();
    await copyTopics('east', 'west', [topic]);
    const group = uniqueName('fsr-g');
    await commitGroupOffsets(kafka('east'), group, [{ topic, partition: 0, offset: 12n }]);

    const props = new Map([
      ['groups', 'fsr-g-.*'],
      ['emit.checkpoints.interval.seconds', '0.5'],
      ['sync.group.offsets.enabled', 'true'],
      ['sync.group.offsets.interval.seconds', '0.5'],
      ['emit.heartbeats.interval.seconds', '0.2'],
      ['sync.topic.configs.interval.seconds', '0.5'],
      ['sync.topic.acls.enabled', 'false'],
      ['offset-syncs.topic.location', 'source'],
    ]);
    const events: SyncEvent[] = [];
    runner = new FlowSyncRunner(
      flowBetween('east', 'west', { topics: topic }),
      resolveSyncSettings(props, 'east', 'west'),
      (e) => events.push(e),
    );
    await runner.start();
    await waitFor(
      () =>
        events.some((e) => e.type === 'group-offsets-synced' && e.group === group) &&
        events.some((e) => e.type === 'topic-config-synced' && e.remoteTopic === remote) &&
        events.filter((e) => e.type === 'heartbeat-emitted').length >= 3,
      { timeoutMs: 20_000, intervalMs: 100, what: 'checkpoints, group sync, config sync and heartbeats' },
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'checkpoints-emitted', group, partitions: 1 }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'checkpoint-metrics', group, topic, partition: 0 }),
    );
    const committed = await withAdmin('west', (a) => a.fetchOffsets({ groupId: group, topics: [remote] }));
    expect(committed[0]!.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '12' })]);
    // offset-syncs.topic.location=source: MM2 OffsetSync records on the source, exact pairs
    await waitFor(
      async () =>
        ((await readToEnd('east', 'mm2-offset-syncs.west.internal')).get(0) ?? []).some(
          (r) => decodeOffsetSync({ key: r.rawKey!, value: r.rawValue! }).topic === topic,
        ),
      { timeoutMs: 20_000, intervalMs: 200, what: 'an MM2 offset sync on east' },
    );
    const mm2 = ((await readToEnd('east', 'mm2-offset-syncs.west.internal')).get(0) ?? [])
      .map((r) => decodeOffsetSync({ key: r.rawKey!, value: r.rawValue! }))
      .filter((x) => x.topic === topic);
    expect(mm2.at(-1)).toEqual({ topic, partition: 0, upstreamOffset: 19n, downstreamOffset: 19n });
    expect(events.filter((e) => e.type === 'sync-error' && (e.group === group || e.topic === topic))).toEqual(
      [],
    );
  });
});
