import { waitFor } from '@ferry/testkit';
import { REPLICATION_PAIRS, testCluster, uniqueName } from '@ferry/testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CheckpointTask,
  commitGroupOffsets,
  resolveSyncSettings,
  type SyncEvent,
} from '../../src/checkpoints/index.ts';
import { kafkaFor } from '../../src/kafka/client.ts';
import { checkpointsTopic, decodeCheckpoint } from '../../src/mm2-formats/index.ts';
import { createTopic, flowBetween, kafka } from '../helpers/kafka.ts';
import { javaCheck } from '../java/harness.ts';
import { compactedWithGaps, type Rec, readToEnd, withAdmin } from './drill-helpers.ts';
import { replicateWithDataPath } from './replicate.ts';

type Commit = { topic: string; partition: number; offset: bigint };

/** Reads `topics` on `cluster` as consumer group `group` (from its committed offsets) until `expected` per partition. */
async function consumeAsGroup(
  cluster: string,
  group: string,
  topics: string[],
  expected: Map<string, number>,
): Promise<Map<string, Rec[]>> {
  const c = kafka(cluster).consumer({ groupId: group, readUncommitted: false, maxWaitTimeInMs: 100 });
  const got = new Map<string, Rec[]>();
  await c.connect();
  await c.subscribe({ topics, fromBeginning: false });
  await c.run({
    autoCommit: false,
    eachMessage: async ({ topic, partition, message }) => {
      const k = `${topic}:${partition}`;
      got.set(k, [
        ...(got.get(k) ?? []),
        {
          offset: BigInt(message.offset),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
        },
      ]);
    },
  });
  try {
    await waitFor(() => [...expected].every(([k, n]) => (got.get(k)?.length ?? 0) >= n), {
      timeoutMs: 60_000,
      intervalMs: 100,
      what: `group ${group} on ${cluster} to read ${[...expected].map(([k, n]) => `${k}=${n}`).join(' ')}`,
    });
  } finally {
    await c.disconnect();
  }
  return got;
}

describe.each(REPLICATION_PAIRS)('failover drill $label ($source -> $target)', ({ source, target }) => {
  let task: CheckpointTask | undefined;
  afterEach(async () => {
    await task?.stop();
    task = undefined;
  });

  it('a group resumes on the target at exactly the next record: plain, mid-batch, end, compacted gaps, aborted transactions; restart-safe; untranslatable offsets reported', async () => {
    const prefix = uniqueName('drill');
    const plain = `${prefix}.plain`;
    const comp = `${prefix}.comp`;
    const txn = `${prefix}.txn`;
    const trunc = `${prefix}.trunc`;
    await createTopic(source, plain, 2);
    await createTopic(source, txn, 1);
    await createTopic(source, trunc, 1);
    await compactedWithGaps(source, comp);
    for (const [t, n] of [
      [plain, 2],
      [comp, 1],
      [txn, 1],
      [trunc, 1],
    ] as const)
      await createTopic(target, `${source}.${t}`, n);

    const p = kafka(source).producer({ idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    for (let i = 0; i < 4; i++) {
      await p.send({
        topic: plain,
        acks: -1,
        messages: Array.from({ length: 20 }, (_, j) => ({
          partition: j % 2,
          key: `k${j}`,
          value: `plain-${i}-${j}`,
        })),
      });
    }
    await p.send({
      topic: trunc,
      acks: -1,
      messages: Array.from({ length: 10 }, (_, j) => ({ key: null, value: `trunc-${j}` })),
    });
    await withAdmin(source, async (a) => {
      await a.fetchTopicMetadata({ topics: [trunc] });
      await a.deleteTopicRecords({ topic: trunc, partitions: [{ partition: 0, offset: '5' }] });
    });
    const tp = kafka(source).producer({
      transactionalId: uniqueName('drill-txn'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await tp.connect();
    for (const [n, commit] of [
      [8, true],
      [6, false],
      [8, true],
      [4, false],
      [4, true],
    ] as const) {
      const t = await tp.transaction();
      await t.send({
        topic: txn,
        acks: -1,
        messages: Array.from({ length: n }, (_, j) => ({ key: `t${j}`, value: `txn-${n}-${commit}-${j}` })),
      });
      if (commit) await t.commit();
      else await t.abort();
    }
    await tp.disconnect();
    // 30 records and 5 markers: wait for the last marker (written asynchronously after the commit)
    await waitFor(async () => (await withAdmin(source, (a) => a.fetchTopicOffsets(txn)))[0]!.high === '35', {
      timeoutMs: 30_000,
      intervalMs: 20,
      what: `${txn}: the last transaction marker`,
    });

    // replicate with the engine's data path in two runs: the second resumes from the positions (a restart)
    const topics = [plain, comp, txn, trunc];
    await replicateWithDataPath(source, target, prefix, topics);
    await p.send({
      topic: plain,
      acks: -1,
      messages: Array.from({ length: 10 }, (_, j) => ({
        partition: j % 2,
        key: `k${j}`,
        value: `plain-late-${j}`,
      })),
    });
    await replicateWithDataPath(source, target, prefix, topics);

    const east = new Map<string, Map<number, Rec[]>>();
    for (const t of topics) east.set(t, await readToEnd(source, t));
    const ends = new Map<string, bigint>();
    for (const t of topics)
      for (const o of await withAdmin(source, (a) => a.fetchTopicOffsets(t)))
        ends.set(`${t}:${o.partition}`, BigInt(o.high));

    // commit points
    const compOffsets = east
      .get(comp)!
      .get(0)!
      .map((r) => r.offset);
    const gapAfter = compOffsets.findIndex(
      (o, i) => i + 1 < compOffsets.length && compOffsets[i + 1]! !== o + 1n,
    );
    expect(gapAfter).toBeGreaterThanOrEqual(0);
    const txnOffsets = east
      .get(txn)!
      .get(0)!
      .map((r) => r.offset);
    expect(txnOffsets.length).toBe(20);
    const groupA = uniqueName('drill-a');
    const groupB = uniqueName('drill-b');
    const commitsA: Commit[] = [
      { topic: plain, partition: 0, offset: 0n }, // start
      { topic: plain, partition: 1, offset: 15n }, // middle of a produced batch
      { topic: comp, partition: 0, offset: compOffsets[gapAfter]! + 1n }, // lands in a compacted-away gap
      { topic: txn, partition: 0, offset: txnOffsets[7]! + 1n }, // the commit marker after the first transaction
    ];
    const commitsB: Commit[] = [
      { topic: plain, partition: 0, offset: ends.get(`${plain}:0`)! }, // end
      { topic: plain, partition: 1, offset: 45n }, // inside the second replication run
      { topic: comp, partition: 0, offset: ends.get(`${comp}:0`)! },
      { topic: txn, partition: 0, offset: txnOffsets[7]! + 3n }, // inside the aborted transaction
    ];
    const groupC = uniqueName('drill-c');
    const commitsC: Commit[] = [{ topic: trunc, partition: 0, offset: 2n }];
    for (const [g, cs] of [
      [groupA, commitsA],
      [groupB, commitsB],
      [groupC, commitsC],
    ] as const) {
      await commitGroupOffsets(kafka(source), g, [...cs]);
    }

    const props = new Map([
      ['groups', 'drill-.*'],
      ['sync.group.offsets.enabled', 'true'],
    ]);
    const flow = flowBetween(source, target, { topics: `${prefix}\\..*` });
    const settings = resolveSyncSettings(props, source, target);
    const events: SyncEvent[] = [];
    const start = async () => {
      const sourceK = kafkaFor(flow.source, 'drill-src');
      const targetK = kafkaFor(flow.target, 'drill-dst');
      const sourceAdmin = sourceK.admin();
      const targetAdmin = targetK.admin();
      await sourceAdmin.connect();
      await targetAdmin.connect();
      const t = new CheckpointTask(
        flow,
        settings,
        { source: sourceK, target: targetK, sourceAdmin, targetAdmin },
        (e) => events.push(e),
      );
      await t.start();
      const stop = t.stop.bind(t);
      t.stop = async () => {
        await stop();
        await sourceAdmin.disconnect();
        await targetAdmin.disconnect();
      };
      return t;
    };
    task = await start();
    const first = await task.emitCheckpoints();
    // restart between commit and checkpoint: a new task rebuilds its syncs from the target and agrees
    await task.stop();
    task = await start();
    const again = await task.emitCheckpoints();
    const summary = (m: typeof first) =>
      [...m]
        .filter(([g]) => g !== groupC)
        .map(([g, ts]) => [g, ts.map((t) => [t.topic, t.partition, t.translation])]);
    expect(summary(again)).toEqual(summary(first));
    for (const g of [groupA, groupB]) {
      const ts = again.get(g)!;
      expect(ts.length).toBe(4);
      for (const t of ts)
        expect(t.translation, `${g} ${t.topic}-${t.partition}@${t.upstreamOffset}`).toMatchObject({
          exact: true,
        });
    }
    const c = again.get(groupC)!;
    expect(c[0]!.translation).toMatchObject({ exact: false, code: 'TRUNCATED_BEFORE_REPLICATION' });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'checkpoint-untranslatable',
        group: groupC,
        topic: trunc,
        code: 'TRUNCATED_BEFORE_REPLICATION',
      }),
    );
    expect(
      events.filter((e) => e.type === 'checkpoint-metrics' && e.group === groupA).length,
    ).toBeGreaterThan(0);

    const synced = await task.syncGroups();
    expect(synced.filter((r) => r.group !== groupC).every((r) => r.ok)).toBe(true);

    // the checkpoints topic holds MM2 records; Java's RemoteClusterUtils.translateOffsets reads the same answers
    const cps = ((await readToEnd(target, checkpointsTopic(source))).get(0) ?? []).map((r) =>
      decodeCheckpoint({ key: r.rawKey!, value: r.rawValue! }),
    );
    expect(cps.filter((c) => c.group === groupA || c.group === groupB).length).toBeGreaterThanOrEqual(8);
    expect(cps.some((c) => c.group === groupC)).toBe(false);
    const java = (await javaCheck(
      [
        ['translate', testCluster(target).bootstrap, source, groupA],
        ['translate', testCluster(target).bootstrap, source, groupB],
        ['translate', testCluster(target).bootstrap, source, groupC],
        // MM2's client library of the target's Kafka version
      ],
      testCluster(target).kafkaVersion,
    )) as Array<Record<string, string>>;
    const ours = (g: string) =>
      Object.fromEntries(
        again
          .get(g)!
          .flatMap((t) =>
            t.translation.exact
              ? [[`${t.remoteTopic}:${t.partition}`, String(t.translation.downstreamOffset)]]
              : [],
          ),
      );
    expect(java).toEqual([ours(groupA), ours(groupB), {}]);

    // on the target, each group continues with exactly the records it had not processed on the source
    for (const [g, cs] of [
      [groupA, commitsA],
      [groupB, commitsB],
    ] as const) {
      const expected = new Map<string, Rec[]>();
      for (const cm of cs)
        expected.set(
          `${source}.${cm.topic}:${cm.partition}`,
          east
            .get(cm.topic)!
            .get(cm.partition)!
            .filter((r) => r.offset >= cm.offset),
        );
      const got = await consumeAsGroup(
        target,
        g,
        [...new Set(cs.map((cm) => `${source}.${cm.topic}`))],
        new Map([...expected].map(([k, v]) => [k, v.length])),
      );
      for (const [k, want] of expected) {
        expect(
          (got.get(k) ?? []).map((r) => [r.key, r.value]),
          `${g} ${k}`,
        ).toEqual(want.map((r) => [r.key, r.value]));
      }
    }
    // partitions committed at their end: the translated offset is past the last replicated record
    for (const cm of commitsB.filter((x) => x.offset === ends.get(`${x.topic}:${x.partition}`))) {
      const remote = `${source}.${cm.topic}`;
      const t = again.get(groupB)!.find((x) => x.topic === cm.topic && x.partition === cm.partition)!;
      const last = (await readToEnd(target, remote)).get(cm.partition)!.at(-1)!;
      expect(t.translation).toMatchObject({ exact: true });
      expect((t.translation as { downstreamOffset: bigint }).downstreamOffset).toBe(last.offset + 1n);
    }
  });
});
