import { testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent, FlowRunner } from '../../src/index.ts';
import { type WireExchange, wireExchangeChannel } from '../../src/wire/connection.ts';
import { startFlowRunner } from '../helpers/flow-runner.ts';
import { createTopic, flowBetween } from '../helpers/kafka.ts';
import { type JavaConsumed, javaConsume, javaProduce } from '../records/java-tool.ts';

/*
 * `transaction.version` (docs/configuration.md): `auto` writes transactions V2 into a target that offers it
 * (west runs Kafka 4.3.1, transaction.version 2 finalized), `1` pins V1 there. What the task chose is in its
 * `task-started` event and in what it says on the wire (V1 adds partitions with AddPartitionsToTxn, V2 does
 * not); either way the remote topic holds exactly the source's records (both read by the Java consumer).
 */

const strip = ({ offset: _o, ...kept }: JavaConsumed) => kept;
/** Partition by partition, each in the order read (a stable sort). */
const byPartition = (rs: JavaConsumed[]) => [...rs].sort((a, b) => a.partition - b.partition);

describe('transaction.version of an exactly-once flow into Kafka 4.3.1', () => {
  let runner: FlowRunner | undefined;
  let tap: ((m: unknown) => void) | undefined;
  afterEach(async () => {
    if (tap) wireExchangeChannel.unsubscribe(tap);
    tap = undefined;
    await runner?.stop();
    runner = undefined;
  });

  it.each([
    ['auto', 2],
    ['1', 1],
  ] as const)('transaction.version=%s writes V%i, record for record', async (setting, version) => {
    const topic = uniqueName(`txv${version}`);
    await createTopic('east', topic, 2);
    const apis = new Set<string>();
    tap = (m) => apis.add((m as WireExchange).apiName);
    wireExchangeChannel.subscribe(tap);
    const events: EngineEvent[] = [];
    const flow = flowBetween('east', 'west', {
      topics: topic,
      'tasks.max': '1',
      'transaction.version': setting,
    });
    runner = await startFlowRunner(flow, events);
    const started = events.find((e) => e.type === 'task-started') as Extract<
      EngineEvent,
      { type: 'task-started' }
    >;
    expect(started.transactionVersion).toBe(version);
    const east = testCluster('east').bootstrap;
    await javaProduce(east, topic, 0, 40, 'none');
    await javaProduce(east, topic, 1, 25, 'lz4');
    const west = testCluster('west').bootstrap;
    const [source, target] = await Promise.all([
      javaConsume(east, topic, 2, 65),
      javaConsume(west, `east.${topic}`, 2, 65),
    ]);
    expect(source).toHaveLength(65);
    expect(byPartition(target).map(strip)).toEqual(byPartition(source).map(strip));
    expect(apis.has('AddPartitionsToTxn')).toBe(version === 1);
    expect(apis.has('EndTxn')).toBe(true);
  });
});
