import { waitFor } from '@ferry/testkit';
import { REPLICATION_PAIRS, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowRunner, type EngineEvent, type FlowRunner } from '../../src/index.ts';
import { createTopic, flowBetween, produce, type Rec, readTopic } from '../helpers/kafka.ts';

describe.each(REPLICATION_PAIRS)('records larger than the target accepts $label', ({ source, target }) => {
  let runner: FlowRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
  });

  it('halts only that partition with a RECORD_TOO_LARGE event; other partitions keep replicating', async () => {
    const topic = uniqueName('big');
    await createTopic(source, topic, 2, [{ name: 'max.message.bytes', value: '3000000' }]);
    // the remote topic exists beforehand with the target's default limit (1 MB)
    await createTopic(target, `${source}.${topic}`, 2);
    const rec = (partition: number, value: string, i: number): Rec => ({
      partition,
      key: `k${i}`,
      value,
      headers: [],
      timestamp: String(Date.now()),
    });
    const before = [rec(0, 'small-0', 0), rec(1, 'small-1', 1)];
    const big = rec(0, 'x'.repeat(2_000_000), 2);
    const after = [rec(0, 'after-big', 3), rec(1, 'p1-a', 4), rec(1, 'p1-b', 5)];
    await produce(source, topic, before);
    await produce(source, topic, [big]);
    await produce(source, topic, after);

    const events: EngineEvent[] = [];
    runner = createFlowRunner(flowBetween(source, target, { topics: topic }), {
      onEvent: (e) => events.push(e),
    });
    await runner.start();
    const got = await readTopic(
      target,
      `${source}.${topic}`,
      new Map([
        [0, 1],
        [1, 3],
      ]),
    );
    expect(got.get(0)!.map((r) => r.value)).toEqual(['small-0']);
    expect(got.get(1)!.map((r) => r.value)).toEqual(['small-1', 'p1-a', 'p1-b']);
    await waitFor(() => events.some((e) => e.type === 'partition-error'), {
      timeoutMs: 10_000,
      what: 'partition-error event',
    });
    const err = events.find((e) => e.type === 'partition-error');
    expect(err).toMatchObject({
      type: 'partition-error',
      topic,
      partition: 0,
      error: { code: 'RECORD_TOO_LARGE', retriable: false, context: { topic, partition: 0, offset: '1' } },
    });
    expect(events.filter((e) => e.type === 'task-error')).toEqual([]);
  });
});
