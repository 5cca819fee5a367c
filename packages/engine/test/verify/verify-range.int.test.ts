import { waitFor } from '@ferry/testkit';
import { uniqueName } from '@ferry/testkit/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createFlowRunner,
  type FlowConfig,
  type FlowRunner,
  positionsGroup,
  verifyFlowRange,
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
 * verifyFlowRange (`ferry verify`) against real clusters: the whole replicated range of every partition,
 * through transactions (committed, aborted, committed: source and target offsets differ), on a live flow,
 * and with an intruder in the middle of the target range, found at its exact offset through the
 * checkpoints and the re-read block.
 */
describe('verifyFlowRange (east -> west)', () => {
  const source = 'east';
  const target = 'west';
  const topic = uniqueName('vrange');
  const remote = `${source}.${topic}`;
  let flow: FlowConfig;
  let runner: FlowRunner | undefined;
  const perPartition = new Map<number, number>();
  const add = (recs: Rec[]) => {
    for (const r of recs) perPartition.set(r.partition, (perPartition.get(r.partition) ?? 0) + 1);
  };

  async function ends(cluster: string, t: string): Promise<Map<number, bigint>> {
    const a = kafka(cluster).admin();
    await a.connect();
    try {
      return new Map((await a.fetchTopicOffsets(t)).map((o) => [o.partition, BigInt(o.high)]));
    } finally {
      await a.disconnect();
    }
  }

  async function replicated(): Promise<void> {
    const e = await ends(source, topic);
    const a = kafka(target).admin();
    await a.connect();
    try {
      await waitFor(
        async () => {
          const [t] = await a.fetchOffsets({ groupId: positionsGroup(source, target), topics: [remote] });
          return [...e].every(
            ([p, end]) => BigInt(t?.partitions.find((x) => x.partition === p)?.offset ?? -1) >= end,
          );
        },
        { timeoutMs: 120_000, what: `positions of ${remote} to reach the source end` },
      );
    } finally {
      await a.disconnect();
    }
  }

  const run = async () => {
    runner = createFlowRunner(flow);
    await runner.start();
  };
  const stop = async () => {
    await runner?.stop();
    runner = undefined;
  };

  beforeAll(async () => {
    await createTopic(source, topic, 3);
    const tp = kafka(source).producer({
      transactionalId: uniqueName('vrange-txn'),
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

  it('a faithful copy: every record of every partition, same count and digest; --last and --from', async () => {
    const progress: string[] = [];
    const r = await verifyFlowRange(flow, {
      topics: { [topic]: 3 },
      checkpointEvery: 50,
      onProgress: (p) => progress.push(p.phase),
    });
    expect(r.ok, JSON.stringify(r.partitions)).toBe(true);
    expect(r.partitions.map((p) => [p.partition, p.sourceRecords, p.targetRecords])).toEqual(
      [0, 1, 2].map((p) => [p, perPartition.get(p), perPartition.get(p)]),
    );
    expect(r.totals).toMatchObject({ partitions: 3, compared: 3, records: 660, differing: 0 });
    const srcEnds = await ends(source, topic);
    for (const p of r.partitions) {
      expect(p.sourceFrom).toBe('0');
      expect(p.sourceTo).toBe(String(srcEnds.get(p.partition)));
      expect(p.sourceDigest).toBe(p.targetDigest);
      expect(p.sourceDigest).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(progress).toContain('compare');

    const last = await verifyFlowRange(flow, { topics: { [topic]: 3 }, last: 50 });
    expect(last.ok).toBe(true);
    expect(last.partitions.every((p) => p.sourceRecords === 50 && p.targetRecords === 50)).toBe(true);
    const from = await verifyFlowRange(flow, { topics: { [topic]: 3 }, from: 100n });
    expect(from.ok).toBe(true);
    expect(from.partitions.every((p) => p.sourceFrom === '100')).toBe(true);
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
    const r = await verifyFlowRange(flow, { topics: { [topic]: 3 } });
    producing = false;
    await more;
    expect(r.ok, JSON.stringify(r.partitions)).toBe(true);
    await replicated();
  });

  it('an intruder between two replicated chunks is reported at its target offset as extra', async () => {
    await stop();
    const intruderAt = (await ends(target, remote)).get(1)!;
    await produce(target, remote, [
      {
        partition: 1,
        key: 'intruder',
        value: 'not from the source',
        headers: [],
        timestamp: String(Date.now()),
      },
    ]);
    const nextSource = (await ends(source, topic)).get(1)!;
    await run();
    const recs = makeRecords(300, 3, 'after');
    await produce(source, topic, recs);
    add(recs);
    await replicated();
    await stop();
    for (const checkpointEvery of [10_000, 7]) {
      const r = await verifyFlowRange(flow, { topics: { [topic]: 3 }, checkpointEvery });
      expect(r.ok).toBe(false);
      const p1 = r.partitions.find((p) => p.partition === 1)!;
      expect(p1.ok).toBe(false);
      expect(p1.targetRecords).toBe(p1.sourceRecords + 1);
      expect(p1.firstDifference).toMatchObject({
        field: 'extra',
        targetOffset: String(intruderAt),
        sourceOffset: String(nextSource),
      });
      expect(r.partitions.filter((p) => p.partition !== 1).every((p) => p.ok)).toBe(true);
    }
  });
});
