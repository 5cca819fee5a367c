import { waitFor } from '@ferry/testkit';
import { uniqueName } from '@ferry/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFlowRunner,
  type FerryError,
  type FlowConfig,
  type FlowRunner,
  positionsGroup,
  verifyFlow,
} from '../../src/index.ts';
import {
  createTopic,
  flowBetween,
  kafka,
  makeRecords,
  produce,
  type Rec,
  toMessage,
} from '../helpers/kafka.ts';

/**
 * verifyFlow against real clusters: a topic with transactions (committed, aborted, committed: source and target
 * offsets differ) and plain records, replicated east -> west by the engine; then the target is corrupted by
 * hand and the report must point at the exact offsets.
 */
describe('verifyFlow (east -> west)', () => {
  const source = 'east';
  const target = 'west';
  const topic = uniqueName('verify');
  const remote = `${source}.${topic}`;
  let flow: FlowConfig;
  let runner: FlowRunner | undefined;
  /** Committed records per partition on the source. */
  const perPartition = new Map<number, number>();

  async function sourceEnds(): Promise<Map<number, bigint>> {
    const a = kafka(source).admin();
    await a.connect();
    try {
      return new Map((await a.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
    } finally {
      await a.disconnect();
    }
  }

  /** Waits until the flow's committed positions reach the source end of every partition. */
  async function replicated(): Promise<void> {
    const ends = await sourceEnds();
    const a = kafka(target).admin();
    await a.connect();
    try {
      await waitFor(
        async () => {
          const [t] = await a.fetchOffsets({ groupId: positionsGroup(source, target), topics: [remote] });
          return [...ends].every(
            ([p, end]) => BigInt(t?.partitions.find((x) => x.partition === p)?.offset ?? -1) >= end,
          );
        },
        { timeoutMs: 120_000, what: `positions of ${remote} to reach the source end` },
      );
    } finally {
      await a.disconnect();
    }
  }

  async function run(): Promise<void> {
    runner = createFlowRunner(flow);
    await runner.start();
  }

  async function stop(): Promise<void> {
    await runner?.stop();
    runner = undefined;
  }

  function add(recs: Rec[]) {
    for (const r of recs) perPartition.set(r.partition, (perPartition.get(r.partition) ?? 0) + 1);
  }

  beforeAll(async () => {
    await createTopic(source, topic, 3);
    // a transactional producer first: committed, aborted, committed (markers and aborted records take offsets)
    const tp = kafka(source).producer({
      transactionalId: uniqueName('verify-txn'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await tp.connect();
    const txn = makeRecords(90, 3, 'txn');
    for (let i = 0; i < 3; i++) {
      const chunk = txn.slice(i * 30, i * 30 + 30);
      const t = await tp.transaction();
      await t.send({ topic, messages: chunk.map(toMessage) });
      if (i === 1) await t.abort();
      else {
        await t.commit();
        add(chunk);
      }
    }
    await tp.disconnect();
    const plain = makeRecords(600, 3, 'plain');
    await produce(source, topic, plain);
    add(plain);
    flow = flowBetween(source, target, { topics: topic });
    await run();
    await replicated();
  });

  afterAll(async () => {
    await stop();
  });

  it('a faithful copy: every record compared is identical, with exact counts', async () => {
    const all = await verifyFlow(flow, { recordsPerPartition: 1000, topics: { [topic]: 3 } });
    expect(all.ok).toBe(true);
    expect(all.partitions.map((p) => [p.partition, p.checked, p.matched])).toEqual(
      [0, 1, 2].map((p) => [p, perPartition.get(p), perPartition.get(p)]),
    );
    expect(all.totals).toMatchObject({ partitions: 3, checked: 660, matched: 660, missing: 0, extra: 0 });
    // without `topics`: every topic the flow replicates (east's heartbeats too, when it has them)
    const flowWide = await verifyFlow(flow, { recordsPerPartition: 1000 });
    expect(flowWide.ok).toBe(true);
    expect(flowWide.partitions.filter((p) => p.topic === topic).map((p) => p.checked)).toEqual(
      all.partitions.map((p) => p.checked),
    );
    expect(flowWide.partitions.every((p) => p.topic === topic || p.topic === 'heartbeats')).toBe(true);
    const ends = await sourceEnds();
    for (const p of all.partitions) {
      expect(p.remoteTopic).toBe(remote);
      expect(p.sourceFrom).toBe('0');
      expect(p.sourceTo).toBe(String(ends.get(p.partition)));
      expect(p.firstDifference).toBeUndefined();
    }
    const last50 = await verifyFlow(flow, { recordsPerPartition: 50, topics: { [topic]: 3 } });
    expect(last50.ok).toBe(true);
    expect(last50.totals).toMatchObject({ checked: 150, matched: 150 });
    expect(last50.partitions.every((p) => p.checked === 50)).toBe(true);
    expect(last50.notes.join(' ')).toMatch(/Headers are compared per key/);
  });

  it('no false difference while the flow replicates and producers write', async () => {
    let producing = true;
    const more = (async () => {
      let i = 0;
      while (producing && i < 40) {
        const recs = makeRecords(30, 3, `live${i++}`);
        await produce(source, topic, recs);
        add(recs);
      }
    })();
    const r = await verifyFlow(flow, { recordsPerPartition: 200, topics: { [topic]: 3 } });
    producing = false;
    await more;
    expect(r.totals.missing + r.totals.mismatched + r.totals.extra, JSON.stringify(r.partitions)).toBe(0);
    expect(r.ok).toBe(true);
    expect(r.totals.checked).toBe(600);
    await replicated();
  });

  it('an extra record produced into the remote partition is reported at its target offset', async () => {
    await stop();
    const a = kafka(target).admin();
    await a.connect();
    const intruderAt = BigInt((await a.fetchTopicOffsets(remote)).find((o) => o.partition === 1)!.high);
    await a.disconnect();
    await produce(target, remote, [
      {
        partition: 1,
        key: 'intruder',
        value: 'not from the source',
        headers: [],
        timestamp: String(Date.now()),
      },
    ]);
    const atEnd = await verifyFlow(flow, { recordsPerPartition: 1000, topics: { [topic]: 3 } });
    expect(atEnd.ok).toBe(false);
    const p1 = atEnd.partitions.find((p) => p.partition === 1)!;
    expect(p1).toMatchObject({ extra: 1, missing: 0, mismatched: 0 });
    expect(p1.firstDifference).toMatchObject({
      field: 'extra',
      targetOffset: String(intruderAt),
      sourceOffset: p1.sourceTo,
    });
    expect(atEnd.partitions.filter((p) => p.partition !== 1).every((p) => p.extra === 0)).toBe(true);

    // replication goes on after it: the intruder now sits between two replicated chunks
    const nextSource = (await sourceEnds()).get(1)!;
    await run();
    const recs = makeRecords(30, 3, 'after');
    await produce(source, topic, recs);
    add(recs);
    await replicated();
    await stop();
    const between = await verifyFlow(flow, { recordsPerPartition: 1000, topics: { [topic]: 3 } });
    const q1 = between.partitions.find((p) => p.partition === 1)!;
    expect(q1).toMatchObject({ extra: 1, missing: 0, mismatched: 0, matched: q1.checked });
    expect(q1.firstDifference).toMatchObject({
      field: 'extra',
      targetOffset: String(intruderAt),
      sourceOffset: String(nextSource),
    });
    expect(q1.firstDifference!.detail).toMatch(/no offset sync accounts for/);
  });

  it('records deleted on the target are missing, from the first one', async () => {
    const a = kafka(target).admin();
    await a.connect();
    await a.fetchTopicMetadata({ topics: [remote] }); // kafkajs needs the leaders loaded first
    await a.deleteTopicRecords({ topic: remote, partitions: [{ partition: 2, offset: '5' }] });
    await a.disconnect();
    const r = await verifyFlow(flow, { recordsPerPartition: 1000, topics: { [topic]: 3 } });
    const p2 = r.partitions.find((p) => p.partition === 2)!;
    expect(r.ok).toBe(false);
    expect(p2.missing).toBeGreaterThanOrEqual(1);
    expect(p2.missing).toBeLessThanOrEqual(5);
    expect(p2.matched + p2.missing).toBe(perPartition.get(2));
    expect(p2.firstDifference).toMatchObject({ field: 'missing', sourceOffset: '0', targetOffset: '0' });
  });

  it('an unreachable target is a typed error, not a report', async () => {
    const down: FlowConfig = {
      ...flow,
      target: { ...flow.target, bootstrapServers: ['127.0.0.1:1'] },
    };
    const err = (await verifyFlow(down, { recordsPerPartition: 10 }).catch((e) => e)) as FerryError;
    expect(err.name).toBe('FerryError');
    expect(err.code).toBe('TARGET_UNAVAILABLE');
    expect(err.context.cluster).toBe(target);
    const bad = (await verifyFlow(flow, { recordsPerPartition: 0 }).catch((e) => e)) as FerryError;
    expect(bad.code).toBe('INVALID_VERIFY_OPTIONS');
  });
});
