import { waitFor } from '@ferry/testkit';
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

describe.each(REPLICATION_PAIRS)('exactly-once tasks $label ($source -> $target)', ({ source, target }) => {
  const runners: FlowRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners.length = 0;
  });

  it('a second runner of the same task fences the first and resumes from the committed positions, without duplicates', async () => {
    const topic = uniqueName('fence');
    await createTopic(source, topic, 3);
    const first = makeRecords(600, 3, 'first');
    await produce(source, topic, first);
    const flow = flowBetween(source, target, { topics: topic, 'tasks.max': '1' });
    const stale: EngineEvent[] = [];
    const a = createFlowRunner(flow, { onEvent: (e) => stale.push(e) });
    runners.push(a);
    await a.start();
    expect(await readTopic(target, `${source}.${topic}`, counts(byPartition(first)))).toEqual(
      byPartition(first),
    );

    // a second process takes task 0 over (the first one is now "stale")
    const b = createFlowRunner(flow);
    runners.push(b);
    await b.runTask(0);
    const second = makeRecords(600, 3, 'second');
    await produce(source, topic, second);
    const want = byPartition([...first, ...second]);
    expect(await readTopic(target, `${source}.${topic}`, counts(want))).toEqual(want);
    await waitFor(() => stale.some((e) => e.type === 'task-fenced'), {
      timeoutMs: 30_000,
      what: 'the stale task to be fenced',
    });
  });

  it('exactly.once=false: at-least-once without transactions resumes from its positions after a stop', async () => {
    const topic = uniqueName('alo');
    await createTopic(source, topic, 2);
    const first = makeRecords(300, 2, 'alo1');
    await produce(source, topic, first);
    const flow = flowBetween(source, target, { topics: topic, 'exactly.once': 'false' });
    expect(flow.exactlyOnce).toBe(false);
    const a = createFlowRunner(flow);
    runners.push(a);
    await a.start();
    expect(await readTopic(target, `${source}.${topic}`, counts(byPartition(first)))).toEqual(
      byPartition(first),
    );
    await a.stop();
    const second = makeRecords(300, 2, 'alo2');
    await produce(source, topic, second);
    const b = createFlowRunner(flow);
    runners.push(b);
    await b.start();
    const want = byPartition([...first, ...second]);
    expect(await readTopic(target, `${source}.${topic}`, counts(want))).toEqual(want);
  });
});
