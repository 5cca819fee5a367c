import { waitFor } from '@ferry/testkit';
import { REPLICATION_PAIRS, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowRunner, type EngineEvent, type FlowRunner } from '../../src/index.ts';
import {
  addPartitions,
  byPartition,
  counts,
  createTopic,
  flowBetween,
  kafka,
  listTopics,
  makeRecords,
  partitionCount,
  produce,
  readTopic,
} from '../helpers/kafka.ts';

describe.each(REPLICATION_PAIRS)('topic discovery $label ($source -> $target)', ({ source, target }) => {
  let runner: FlowRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  it('picks up a new topic and added partitions within the refresh interval, and reports a deleted topic', async () => {
    const prefix = uniqueName('disc');
    const first = `${prefix}.first`;
    const later = `${prefix}.later`;
    const excluded = `${prefix}.skip-internal`;
    await createTopic(source, first, 2);
    await createTopic(source, excluded, 1);
    const events: EngineEvent[] = [];
    runner = createFlowRunner(
      flowBetween(source, target, {
        topics: `${prefix}\\..*`,
        'refresh.topics.interval.seconds': '1',
        'tasks.max': '2',
      }),
      {
        onEvent: (e) => events.push(e),
      },
    );
    await runner.start();
    // (heartbeats topics other suites left on the shared cluster replicate too, as in MM2: look at ours only)
    const ours = () =>
      runner!
        .assignment()
        .flat()
        .filter((tp) => tp.topic.startsWith(prefix));
    expect(ours()).toEqual([
      { topic: first, partition: 0 },
      { topic: first, partition: 1 },
    ]);

    // a topic created while running
    await createTopic(source, later, 3);
    const laterRecords = makeRecords(300, 3, 'later');
    await produce(source, later, laterRecords);
    const want = byPartition(laterRecords);
    expect(await readTopic(target, `${source}.${later}`, counts(want))).toEqual(want);
    expect(await partitionCount(target, `${source}.${later}`)).toBe(3);

    // partitions added to a source topic
    await addPartitions(source, first, 4);
    await waitFor(async () => (await partitionCount(target, `${source}.${first}`)) === 4, {
      timeoutMs: 30_000,
      what: 'remote topic to grow to 4 partitions',
    });
    const grown = makeRecords(400, 4, 'grown');
    await produce(source, first, grown);
    const wantGrown = byPartition(grown);
    expect(await readTopic(target, `${source}.${first}`, counts(wantGrown))).toEqual(wantGrown);
    expect(
      events.some((e) => e.type === 'partitions-added' && e.topic === first && e.from === 2 && e.to === 4),
    ).toBe(true);

    // the default excludes keep *-internal topics out
    expect(await listTopics(target)).not.toContain(`${source}.${excluded}`);

    // a deleted source topic: reported, its partitions leave the assignment, the rest keeps flowing
    const admin = kafka(source).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [later] });
    await admin.disconnect();
    await waitFor(() => events.some((e) => e.type === 'topic-deleted' && e.topic === later), {
      timeoutMs: 30_000,
      what: 'topic-deleted event',
    });
    await waitFor(
      () =>
        !runner!
          .assignment()
          .flat()
          .some((tp) => tp.topic === later),
      { timeoutMs: 30_000, what: 'assignment without the deleted topic' },
    );
    const after = makeRecords(200, 4, 'after');
    await produce(source, first, after);
    const wantAfter = byPartition([...grown, ...after]);
    expect(await readTopic(target, `${source}.${first}`, counts(wantAfter))).toEqual(wantAfter);
  });
});
