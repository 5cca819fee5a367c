/*
 * "Ferry writes nothing to the source": while a flow replicates and after it stops, the source has no consumer
 * group and no topic it did not have before, and the replicated topic's end offsets did not move. The flow's
 * aliases are unique to this test (the test stack is shared): every name Ferry derives (groups, internal
 * topics, client ids) carries them, so anything Ferry created on the source is found by them.
 */
import { REPLICATION_PAIRS, testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowRunner, type FlowRunner, parseMm2Config } from '../../src/index.ts';
import { createTopic, kafka, makeRecords, produce } from '../helpers/kafka.ts';
import { dumpTopic } from './java-data.ts';

interface SourceView {
  groups: Array<{ groupId: string; clients: string[] }>;
  topics: string[];
  ends: string[];
}

async function look(cluster: string, topic: string): Promise<SourceView> {
  const admin = kafka(cluster).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const described = groups.length ? (await admin.describeGroups(groups.map((g) => g.groupId))).groups : [];
    return {
      groups: described.map((g) => ({ groupId: g.groupId, clients: g.members.map((m) => m.clientId) })),
      topics: (await admin.listTopics()).sort(),
      ends: (await admin.fetchTopicOffsets(topic)).map((o) => `${o.partition}:${o.low}-${o.high}`),
    };
  } finally {
    await admin.disconnect();
  }
}

describe.each(REPLICATION_PAIRS)(
  'Ferry writes nothing to the source $label ($source -> $target)',
  ({ source, target }) => {
    let runner: FlowRunner | undefined;
    afterEach(async () => {
      await runner?.stop();
      runner = undefined;
    });

    it('no consumer group, no topic, no record appears on the source during and after a run', async () => {
      const src = uniqueName('ro-src').replace(/[^a-z0-9]/gi, '');
      const dst = uniqueName('ro-dst').replace(/[^a-z0-9]/gi, '');
      const topic = uniqueName('ro');
      await createTopic(source, topic, 3);
      await produce(source, topic, makeRecords(600, 3, 'ro'));
      const before = await look(source, topic);
      const props = new Map<string, string>([
        ['clusters', `${src},${dst}`],
        [`${src}.bootstrap.servers`, testCluster(source).bootstrap],
        [`${dst}.bootstrap.servers`, testCluster(target).bootstrap],
        [`${src}->${dst}.enabled`, 'true'],
        ['topics', topic],
        ['commit.interval.ms', '50'],
      ]);
      const flow = parseMm2Config(props).flows.find((f) => f.id === `${src}->${dst}`)!;
      runner = createFlowRunner({ ...flow, instance: src });
      await runner.start();
      expect(await dumpTopic(target, `${src}.${topic}`, 600, 60_000)).toHaveLength(600);
      const during = await look(source, topic);
      await runner.stop();
      runner = undefined;
      const after = await look(source, topic);

      const ours = (v: SourceView) => ({
        groups: v.groups.filter(
          (g) =>
            g.groupId.includes(src) ||
            g.groupId.includes(dst) ||
            g.clients.some((c) => c.includes(src) || c.includes(dst)),
        ),
        topics: v.topics.filter((t) => !before.topics.includes(t) && (t.includes(src) || t.includes(dst))),
      });
      expect(ours(before)).toEqual({ groups: [], topics: [] });
      expect(ours(during), 'during the run').toEqual({ groups: [], topics: [] });
      expect(ours(after), 'after the run').toEqual({ groups: [], topics: [] });
      expect(during.ends).toEqual(before.ends);
      expect(after.ends).toEqual(before.ends);
    });
  },
);
