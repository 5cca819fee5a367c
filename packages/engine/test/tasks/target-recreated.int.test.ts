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
import {
  byPartition,
  createTopic,
  deleteTopic,
  flowBetween,
  kafka,
  makeRecords,
  produce,
  type Rec,
  readTopic,
} from '../helpers/kafka.ts';

/*
 * Issue #12, "target topic deleted": the REMOTE topic is deleted on west while the flow runs, and once while it
 * is stopped. Discovery re-creates it; the task must not write on into the new, empty topic from its position
 * (everything below it would be lost without a word): it fails (TARGET_TOPIC_RECREATED), restarts, sees the
 * remote topic id stored with the durable position differ from the new one, and copies the partition again from
 * the source's log start. A second reader (kafkajs consumer, read_committed) then finds every source record
 * exactly once, in order. A new remote partition that already holds records is halted, not guessed at.
 */
const PARTITIONS = 2;
type Recreated = Extract<EngineEvent, { type: 'target-recreated' }>;

describe('remote topic deleted and re-created on the target', () => {
  const runners: FlowRunner[] = [];
  afterEach(async () => {
    await Promise.all(runners.map((r) => r.stop()));
    runners.length = 0;
  });

  function flowFor(topic: string): FlowConfig {
    return {
      ...flowBetween('east', 'west', {
        topics: topic,
        'tasks.max': '1',
        'refresh.topics.interval.seconds': '1',
      }),
      instance: uniqueName('tgtre'),
    };
  }

  async function positions(flow: FlowConfig, topic: string): Promise<Map<number, number>> {
    const admin = kafka('west').admin();
    await admin.connect();
    try {
      const [t] = await admin
        .fetchOffsets({ groupId: positionsGroup('east', 'west', flow.instance), topics: [`east.${topic}`] })
        .catch(() => []);
      return new Map((t?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    } finally {
      await admin.disconnect();
    }
  }

  async function until(flow: FlowConfig, topic: string, at: number, what: string): Promise<void> {
    await waitFor(
      async () => {
        const pos = await positions(flow, topic);
        return Array.from({ length: PARTITIONS }, (_, p) => pos.get(p) === at).every(Boolean);
      },
      { timeoutMs: 90_000, intervalMs: 250, what },
    );
  }

  function start(flow: FlowConfig, events: EngineEvent[]): Promise<FlowRunner> {
    const runner = createFlowRunner(flow, { onEvent: (e) => events.push(e), restartBackoffMs: 200 });
    runners.push(runner);
    return runner.start().then(() => runner);
  }

  async function stop(runner: FlowRunner): Promise<void> {
    await runner.stop();
    runners.splice(runners.indexOf(runner), 1);
  }

  const deleteRemote = (topic: string) => deleteTopic('west', `east.${topic}`);

  /** The second reader: the new remote topic holds exactly the source's records, each once, in order. */
  async function expectExactly(topic: string, sent: Rec[]): Promise<void> {
    const want = byPartition(sent);
    const got = await readTopic(
      'west',
      `east.${topic}`,
      new Map([...want].map(([p, rs]) => [p, rs.length])),
      90_000,
      2000,
    );
    for (const [p, rs] of want) expect(got.get(p), `partition ${p}`).toEqual(rs);
  }

  function recreatedOf(events: EngineEvent[]): Recreated[] {
    return events.filter((e): e is Recreated => e.type === 'target-recreated');
  }

  it('deleted while the flow runs: the task stops writing, restarts and copies every record again, once', async () => {
    const topic = uniqueName('tgtrun');
    await createTopic('east', topic, PARTITIONS);
    const first = makeRecords(200, PARTITIONS, 'a');
    await produce('east', topic, first);
    const flow = flowFor(topic);
    const events: EngineEvent[] = [];
    await start(flow, events);
    await until(flow, topic, 100, 'the first 200 records replicated');

    await deleteRemote(topic);
    const later = makeRecords(100, PARTITIONS, 'b');
    await produce('east', topic, later);

    await waitFor(async () => recreatedOf(events).length >= PARTITIONS, {
      timeoutMs: 60_000,
      what: 'a target-recreated event for each partition',
    }).catch((e) => {
      // name what happened instead: the events other than metrics and commits
      const seen = events
        .filter((x) => x.type !== 'partition-metrics' && x.type !== 'committed')
        .map((x) => `${x.type} ${(x as { error?: Error }).error?.message ?? ''}`);
      throw new Error(`${(e as Error).message}; events: ${seen.join('\n')}`);
    });
    await expectExactly(topic, [...first, ...later]);
    const failures = events.filter((e) => e.type === 'task-error') as Array<
      Extract<EngineEvent, { type: 'task-error' }>
    >;
    expect(failures.map((f) => f.error.code)).toContain('TARGET_TOPIC_RECREATED');
    for (const r of recreatedOf(events))
      expect(r).toMatchObject({ topic, remoteTopic: `east.${topic}`, recopyFrom: '0', recopyTo: '100' });
    expect(new Set(recreatedOf(events).map((r) => r.partition))).toEqual(new Set([0, 1]));
    // the source still holds everything: nothing is lost, so no gap
    expect(events.filter((e) => e.type === 'data-gap')).toEqual([]);
  });

  it('deleted while the flow is stopped: the restart copies every record again, once', async () => {
    const topic = uniqueName('tgtstop');
    await createTopic('east', topic, PARTITIONS);
    const first = makeRecords(200, PARTITIONS, 'a');
    await produce('east', topic, first);
    const flow = flowFor(topic);
    const one = await start(flow, []);
    await until(flow, topic, 100, 'the first 200 records replicated');
    await stop(one);

    await deleteRemote(topic);
    const later = makeRecords(60, PARTITIONS, 'b');
    await produce('east', topic, later);

    const events: EngineEvent[] = [];
    await start(flow, events);
    await expectExactly(topic, [...first, ...later]);
    const recreated = recreatedOf(events);
    expect(recreated.map((r) => r.partition).sort()).toEqual([0, 1]);
    for (const r of recreated) expect(r).toMatchObject({ recopyFrom: '0', recopyTo: '100' });
    expect(events.filter((e) => e.type === 'data-gap')).toEqual([]);
  });

  it('deleted while stopped, the source log start moved meanwhile: what is gone on both sides is a target-recreated gap', async () => {
    const topic = uniqueName('tgtgap');
    await createTopic('east', topic, 1);
    const first = makeRecords(100, 1, 'a');
    await produce('east', topic, first);
    const flow = { ...flowFor(topic), topics: [topic] };
    const one = await start(flow, []);
    await waitFor(async () => (await positions(flow, topic)).get(0) === 100, {
      timeoutMs: 90_000,
      what: 'the first 100 records replicated',
    });
    await stop(one);

    await deleteRemote(topic);
    const admin = kafka('east').admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '30' }] });
    } finally {
      await admin.disconnect();
    }

    const events: EngineEvent[] = [];
    await start(flow, events);
    const got = await readTopic('west', `east.${topic}`, new Map([[0, 70]]), 90_000, 2000);
    expect(got.get(0)).toEqual(first.slice(30));
    expect(recreatedOf(events)).toEqual([
      expect.objectContaining({ partition: 0, recopyFrom: '30', recopyTo: '100' }),
    ]);
    expect(events.filter((e) => e.type === 'data-gap')).toEqual([
      expect.objectContaining({
        topic,
        partition: 0,
        from: '0',
        to: '30',
        records: '30',
        resumeAt: '30',
        reason: 'target-recreated',
      }),
    ]);
  });

  it('the same with gap policy halt: the partition halts with DATA_GAP instead of copying what is left', async () => {
    const topic = uniqueName('tgtgaphalt');
    await createTopic('east', topic, 1);
    await produce('east', topic, makeRecords(100, 1, 'a'));
    const flow: FlowConfig = { ...flowFor(topic), topics: [topic], gapPolicy: 'halt' };
    const one = await start(flow, []);
    await waitFor(async () => (await positions(flow, topic)).get(0) === 100, {
      timeoutMs: 90_000,
      what: 'the first 100 records replicated',
    });
    await stop(one);

    await deleteRemote(topic);
    const admin = kafka('east').admin();
    await admin.connect();
    try {
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '30' }] });
    } finally {
      await admin.disconnect();
    }

    const events: EngineEvent[] = [];
    await start(flow, events);
    await waitFor(async () => events.some((e) => e.type === 'partition-error'), {
      timeoutMs: 60_000,
      what: 'a partition error',
    });
    const err = events.find((e) => e.type === 'partition-error') as Extract<
      EngineEvent,
      { type: 'partition-error' }
    >;
    expect(err.error.code).toBe('DATA_GAP');
    expect(err.error.message).toContain('offsets 0..29');
    expect(events.filter((e) => e.type === 'data-gap')).toEqual([
      expect.objectContaining({ from: '0', to: '30', reason: 'target-recreated', policy: 'halt' }),
    ]);
    expect(recreatedOf(events)).toEqual([]);
    // nothing was copied into the new topic
    const probe = kafka('west').admin();
    await probe.connect();
    try {
      const [end] = await probe.fetchTopicOffsets(`east.${topic}`);
      expect(end!.high).toBe('0');
    } finally {
      await probe.disconnect();
    }
  });

  it('re-created holding only an aborted transaction (a write of the task under way at the deletion): copied again after it', async () => {
    const topic = uniqueName('tgtaborted');
    await createTopic('east', topic, 1);
    const first = makeRecords(50, 1, 'a');
    await produce('east', topic, first);
    const flow = { ...flowFor(topic), topics: [topic] };
    const one = await start(flow, []);
    await waitFor(async () => (await positions(flow, topic)).get(0) === 50, {
      timeoutMs: 90_000,
      what: 'the first 50 records replicated',
    });
    await stop(one);

    await deleteRemote(topic);
    await waitFor(
      async () =>
        createTopic('west', `east.${topic}`, 1).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 30_000, what: `east.${topic} created again by the test` },
    );
    // what BatchWriter leaves when its produce went into the new topic: records of a transaction it aborted
    // (their content does not matter, only that no read_committed reader sees them)
    const p = kafka('west').producer({
      transactionalId: uniqueName('tgt-aborter'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await p.connect();
    try {
      const txn = await p.transaction();
      await txn.send({ topic: `east.${topic}`, messages: [{ value: 'x' }, { value: 'y' }, { value: 'z' }] });
      await txn.abort();
    } finally {
      await p.disconnect();
    }
    const later = makeRecords(20, 1, 'b');
    await produce('east', topic, later);

    const events: EngineEvent[] = [];
    await start(flow, events);
    await expectExactly(topic, [...first, ...later]);
    expect(events.filter((e) => e.type === 'partition-error')).toEqual([]);
    expect(recreatedOf(events)).toEqual([
      expect.objectContaining({ topic, partition: 0, recopyFrom: '0', recopyTo: '50' }),
    ]);
  });

  it('re-created and written into by someone else: the partition halts, naming the lost range', async () => {
    const topic = uniqueName('tgtforeign');
    await createTopic('east', topic, 1);
    await produce('east', topic, makeRecords(50, 1, 'a'));
    const flow = { ...flowFor(topic), topics: [topic] };
    const one = await start(flow, []);
    await waitFor(async () => (await positions(flow, topic)).get(0) === 50, {
      timeoutMs: 90_000,
      what: 'the first 50 records replicated',
    });
    await stop(one);

    await deleteRemote(topic);
    await waitFor(
      async () => {
        try {
          await createTopic('west', `east.${topic}`, 1);
          return true;
        } catch {
          return false; // still being deleted
        }
      },
      { timeoutMs: 30_000, what: `east.${topic} created again by the test` },
    );
    const foreign = makeRecords(3, 1, 'foreign');
    await produce('west', `east.${topic}`, foreign);

    const events: EngineEvent[] = [];
    await start(flow, events);
    await waitFor(async () => events.some((e) => e.type === 'partition-error'), {
      timeoutMs: 60_000,
      what: 'a partition error',
    });
    const err = events.find((e) => e.type === 'partition-error') as Extract<
      EngineEvent,
      { type: 'partition-error' }
    >;
    expect(err.error.code).toBe('TARGET_TOPIC_RECREATED');
    expect(err.error.message).toContain('below 50');
    expect(err.error.message).toContain('3 records');
    // nothing was added to the foreign topic
    const got = await readTopic('west', `east.${topic}`, new Map([[0, 3]]), 30_000, 2000);
    expect(got.get(0)).toEqual(foreign);
    expect(recreatedOf(events)).toEqual([]);
  });
});
