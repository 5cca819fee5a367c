import { waitFor } from '@ferry/testkit';
import { uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createFlowRunner, type EngineEvent, type FlowRunner } from '../../src/index.ts';
import { createTopic, flowBetween, makeRecords, produce } from '../helpers/kafka.ts';

/*
 * A write that fails while the fetcher hands a chunk over (batch.max.bytes reached in onChunk, not the commit
 * timer) must still end the task's run: the task's teardown stops the fetcher, which waits for its chunk
 * handlers — the handler that is itself waiting for the failed write must not be among what the failure waits
 * for. Here the failure is fencing: a second runner takes the task over, then new data arrives.
 */
describe('a task whose write fails inside a fetched chunk', () => {
  const runners: FlowRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners.length = 0;
  });

  it('ends its run (task-fenced) instead of hanging', async () => {
    const topic = uniqueName('chunkfail');
    await createTopic('east', topic, 1);
    await produce('east', topic, makeRecords(200, 1, 'first'));
    // the commit timer and the commit cadence's linger never run out during the test: every write starts from
    // a fetched chunk (or right after the write before it, for records that arrived during it)
    const flow = flowBetween('east', 'west', {
      topics: topic,
      'tasks.max': '1',
      'commit.interval.ms': '600000',
      'commit.linger.ms': '600000',
      'batch.max.bytes': '1024',
    });
    const stale: EngineEvent[] = [];
    const a = createFlowRunner(flow, { onEvent: (e) => stale.push(e) });
    runners.push(a);
    await a.start();
    await waitFor(() => stale.some((e) => e.type === 'committed'), {
      timeoutMs: 30_000,
      what: 'the first runner to commit',
    });

    const b = createFlowRunner(flow);
    runners.push(b);
    await b.runTask(0);
    await produce('east', topic, makeRecords(200, 1, 'second'));
    await waitFor(() => stale.some((e) => e.type === 'task-fenced'), {
      timeoutMs: 30_000,
      what: 'the stale task to report that it was fenced',
    });
    const fenced = stale.find((e) => e.type === 'task-fenced') as Extract<
      EngineEvent,
      { type: 'task-fenced' }
    >;
    expect(fenced.error.code).toBe('TASK_FENCED');
  });
});
