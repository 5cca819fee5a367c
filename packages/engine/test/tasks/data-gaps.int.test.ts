import { waitFor } from '@ferry/testkit';
import { uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFlowRunner,
  type EngineEvent,
  type FlowConfig,
  type FlowRunner,
  positionsGroup,
} from '../../src/index.ts';
import { createTopic, flowBetween, kafka, makeRecords, produce, readTopic } from '../helpers/kafka.ts';

/*
 * Gaps (issue 12 item 3) and durable positions (item 2) against the real east → west brokers: records deleted
 * on the source (DeleteRecords, as retention does) while the flow is stopped, under both gap policies; a
 * source topic deleted and re-created; positions whose group offsets are gone (as after
 * offsets.retention.minutes) resume from the durable copy without a duplicate.
 */
type Gap = Extract<EngineEvent, { type: 'data-gap' }>;

describe('data gaps and durable positions', () => {
  const runners: FlowRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners.length = 0;
  });

  function flowFor(topic: string, extra: Record<string, string> = {}): FlowConfig {
    // an instance of its own: its own positions group, which the durable-positions test may delete
    return {
      ...flowBetween('east', 'west', { topics: topic, 'tasks.max': '1', ...extra }),
      instance: uniqueName('gap'),
    };
  }

  /** The flow's committed position of `topic` partition 0 on the target (-1 when none). */
  async function position(flow: FlowConfig, topic: string): Promise<number> {
    const admin = kafka('west').admin();
    await admin.connect();
    try {
      const [t] = await admin.fetchOffsets({
        groupId: positionsGroup('east', 'west', flow.instance),
        topics: [`east.${topic}`],
      });
      return Number(t?.partitions[0]?.offset ?? -1);
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Runs the flow until its committed position of the topic's partition 0 is `at` (counting committed
   * records would count east's heartbeats too, which every flow replicates when another suite created them).
   */
  async function runUntil(
    flow: FlowConfig,
    at: number,
    what: string,
  ): Promise<{ runner: FlowRunner; events: EngineEvent[] }> {
    const events: EngineEvent[] = [];
    const runner = createFlowRunner(flow, { onEvent: (e) => events.push(e) });
    runners.push(runner);
    await runner.start();
    const topic = flow.topics[0]!;
    await waitFor(async () => (await position(flow, topic)) === at, { timeoutMs: 60_000, what });
    return { runner, events };
  }

  async function stop(runner: FlowRunner): Promise<void> {
    await runner.stop();
    runners.splice(runners.indexOf(runner), 1);
  }

  async function deleteRecordsBefore(topic: string, offset: number): Promise<void> {
    const admin = kafka('east').admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [topic] }); // kafkajs looks the leader up in its cache
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: String(offset) }] });
    } finally {
      await admin.disconnect();
    }
  }

  it('records deleted while the flow was stopped: a gap with the exact range, then continue at the log start', async () => {
    const topic = uniqueName('gapcont');
    await createTopic('east', topic, 1);
    const first = makeRecords(100, 1, 'a');
    await produce('east', topic, first);
    const flow = flowFor(topic);
    const one = await runUntil(flow, 100, 'the first 100 records to be replicated');
    await stop(one.runner);

    const unreplicated = makeRecords(100, 1, 'b'); // offsets 100..199
    await produce('east', topic, unreplicated);
    await deleteRecordsBefore(topic, 150); // 100..149 never reach the target
    const later = makeRecords(50, 1, 'c'); // 200..249
    await produce('east', topic, later);

    const two = await runUntil(flow, 250, 'the records after the gap to be replicated');
    const gaps = two.events.filter((e): e is Gap => e.type === 'data-gap');
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({
      topic,
      partition: 0,
      remoteTopic: `east.${topic}`,
      from: '100',
      to: '150',
      records: '50',
      resumeAt: '150',
      reason: 'deleted',
      policy: 'continue',
    });
    const target = await readTopic('west', `east.${topic}`, new Map([[0, 200]]), 60_000, 1500);
    expect(target.get(0)).toEqual([...first, ...unreplicated.slice(50), ...later]);
  });

  it('gap policy halt: the gap is reported, the partition stops at its position with DATA_GAP', async () => {
    const topic = uniqueName('gaphalt');
    await createTopic('east', topic, 1);
    const first = makeRecords(60, 1, 'a');
    await produce('east', topic, first);
    const flow = flowFor(topic, { 'gap.policy': 'halt' });
    const one = await runUntil(flow, 60, 'the first 60 records to be replicated');
    await stop(one.runner);

    await produce('east', topic, makeRecords(40, 1, 'b')); // 60..99
    await deleteRecordsBefore(topic, 80);

    for (let start = 0; start < 2; start++) {
      // halted, so also halted again after a restart: the position did not move past the gap
      const events: EngineEvent[] = [];
      const runner = createFlowRunner(flow, { onEvent: (e) => events.push(e) });
      runners.push(runner);
      await runner.start();
      await waitFor(() => events.some((e) => e.type === 'partition-error'), {
        timeoutMs: 60_000,
        what: 'the halted partition to report DATA_GAP',
      });
      const gap = events.find((e): e is Gap => e.type === 'data-gap');
      expect(gap).toMatchObject({ from: '60', to: '80', records: '20', policy: 'halt', reason: 'deleted' });
      const err = events.find((e) => e.type === 'partition-error') as Extract<
        EngineEvent,
        { type: 'partition-error' }
      >;
      expect(err.error.code).toBe('DATA_GAP');
      expect(err.error.message).toContain('offsets 60..79');
      expect(await position(flow, topic)).toBe(60);
      await stop(runner);
    }
    const target = await readTopic('west', `east.${topic}`, new Map([[0, 60]]), 60_000, 1500);
    expect(target.get(0)).toEqual(first);
  });

  it('a source topic deleted and re-created: a topic-recreated gap, then the new topic from its start', async () => {
    const topic = uniqueName('gaprecreate');
    await createTopic('east', topic, 1);
    const old = makeRecords(80, 1, 'old');
    await produce('east', topic, old);
    const flow = flowFor(topic);
    const one = await runUntil(flow, 80, 'the old topic to be replicated');
    await stop(one.runner);

    const admin = kafka('east').admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
      await waitFor(async () => !(await admin.listTopics()).includes(topic), {
        timeoutMs: 30_000,
        what: `${topic} to be deleted`,
      });
    } finally {
      await admin.disconnect();
    }
    await createTopic('east', topic, 1);
    const fresh = makeRecords(30, 1, 'new');
    await produce('east', topic, fresh);

    const two = await runUntil(flow, 30, 'the new topic to be replicated');
    const gap = two.events.find((e): e is Gap => e.type === 'data-gap');
    expect(gap).toMatchObject({
      reason: 'topic-recreated',
      from: '80',
      to: '80', // everything the old topic held when the flow stopped had been replicated
      records: '0',
      resumeAt: '0',
      policy: 'continue',
    });
    const target = await readTopic('west', `east.${topic}`, new Map([[0, 110]]), 60_000, 1500);
    expect(target.get(0)).toEqual([...old, ...fresh]);
  });

  it('positions whose group offsets expired resume from the durable copy: nothing copied twice', async () => {
    const topic = uniqueName('durable');
    await createTopic('east', topic, 1);
    const first = makeRecords(70, 1, 'a');
    await produce('east', topic, first);
    const flow = flowFor(topic);
    const one = await runUntil(flow, 70, 'the first 70 records to be replicated');
    await stop(one.runner);

    // what offsets.retention.minutes does to an empty group: its committed offsets are gone
    const admin = kafka('west').admin();
    await admin.connect();
    const group = positionsGroup('east', 'west', flow.instance);
    try {
      await admin.deleteGroups([group]);
      const left = await admin.fetchOffsets({ groupId: group, topics: [`east.${topic}`] });
      expect(left[0]?.partitions[0]?.offset).toBe('-1');
    } finally {
      await admin.disconnect();
    }
    const more = makeRecords(30, 1, 'b');
    await produce('east', topic, more);

    const two = await runUntil(flow, 100, 'the new records to be replicated');
    // the flow also replicates east's heartbeats topic when another suite created it: only this topic counts
    const restored = two.events.find((e) => e.type === 'positions-restored') as
      | Extract<EngineEvent, { type: 'positions-restored' }>
      | undefined;
    expect(restored?.partitions.filter((p) => p.topic === topic)).toEqual([
      { topic, partition: 0, next: '70' },
    ]);
    const target = await readTopic('west', `east.${topic}`, new Map([[0, 100]]), 60_000, 1500);
    expect(target.get(0)).toEqual([...first, ...more]);
  });
});
