import { REPLICATION_PAIRS, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowRunner, type EngineEvent, type FlowRunner } from '../../src/index.ts';
import {
  byPartition,
  counts,
  createTopic,
  flowBetween,
  makeRecords,
  produce,
  readTopic,
} from '../helpers/kafka.ts';

describe.each(REPLICATION_PAIRS)('start position $label ($source -> $target)', ({ source, target }) => {
  let runner: FlowRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  it('start.position=latest skips what the source held before the first start, then copies everything new', async () => {
    const topic = uniqueName('latest');
    await createTopic(source, topic, 2);
    await produce(source, topic, makeRecords(100, 2, 'old'));
    const events: EngineEvent[] = [];
    runner = createFlowRunner(flowBetween(source, target, { topics: topic, 'start.position': 'latest' }), {
      onEvent: (e) => events.push(e),
    });
    await runner.start();
    const fresh = makeRecords(120, 2, 'new');
    await produce(source, topic, fresh);
    const want = byPartition(fresh);
    expect(await readTopic(target, `${source}.${topic}`, counts(want))).toEqual(want);
  });
});
