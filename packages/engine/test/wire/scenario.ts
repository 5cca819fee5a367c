import { splitBatches } from '../../src/records/split.ts';
import type { RawBatch } from '../../src/records/types.ts';
import * as A from '../../src/wire/apis/index.ts';
import type { WireCluster } from '../../src/wire/cluster.ts';
import { check, ErrorCode, KafkaError } from '../../src/wire/errors.ts';
import { ZERO_UUID } from '../../src/wire/protocol/schema.ts';
import { batch, records } from './helpers.ts';

/**
 * The wire exchanges the data path makes, against one real cluster: produce + fetch, list offsets, a committed
 * and an aborted transaction with offsets committed in it, OffsetFetch with require_stable, a plain
 * OffsetCommit. Shared by the integration test and the fixture capture script.
 */
export async function runScenario(cluster: WireCluster, topic: string, ids: { group: string; txn: string }) {
  const md = await cluster.metadata([topic], { refresh: true });
  const info = md.topics.get(topic);
  if (info?.errorCode !== 0)
    throw new KafkaError(info?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, {
      context: { topic },
    });
  const leader = await cluster.leaderFor(topic, 0);

  // plain produce (no producer id), then fetch it back
  const plain = records(3, 'plain');
  const produced = await leader.send(A.produceApi, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 10000,
    topics: [{ name: topic, partitions: [{ index: 0, records: batch(plain) }] }],
  });
  const pp = produced.responses[0]?.partitions[0];
  check(pp?.errorCode ?? -1, pp?.errorMessage, { topic, partition: 0 });
  const fetched = await fetchFrom(cluster, topic, 0n, A.READ_UNCOMMITTED);

  // transactional: one committed, one aborted, offsets committed inside the first
  const txnConn = await cluster.coordinator('transaction', ids.txn);
  // a cluster's first transaction creates __transaction_state: the coordinator answers "loading" meanwhile
  let init = await txnConn.send(A.initProducerIdApi, {
    transactionalId: ids.txn,
    transactionTimeoutMs: 30000,
  });
  for (let i = 0; i < 100 && new KafkaError(init.errorCode).retriable; i++) {
    await new Promise((r) => setTimeout(r, 200));
    init = await txnConn.send(A.initProducerIdApi, { transactionalId: ids.txn, transactionTimeoutMs: 30000 });
  }
  check(init.errorCode);
  const pid = { producerId: init.producerId, producerEpoch: init.producerEpoch };
  let seq = 0;
  const committed = records(2, 'committed');
  const aborted = records(2, 'aborted');
  for (const [recs, commit] of [
    [committed, true],
    [aborted, false],
  ] as const) {
    const add = await retryConcurrent(() =>
      txnConn.send(A.addPartitionsToTxnApi, {
        transactionalId: ids.txn,
        ...pid,
        topics: [{ name: topic, partitions: [0] }],
      }),
    );
    check(add.results[0]?.resultsByPartition[0]?.partitionErrorCode ?? -1);
    const pr = await leader.send(A.produceApi, {
      transactionalId: ids.txn,
      acks: -1,
      timeoutMs: 10000,
      topics: [
        {
          name: topic,
          partitions: [
            { index: 0, records: batch(recs, { ...pid, baseSequence: seq, transactional: true }) },
          ],
        },
      ],
    });
    seq += recs.length;
    check(pr.responses[0]?.partitions[0]?.errorCode ?? -1, pr.responses[0]?.partitions[0]?.errorMessage);
    if (commit) {
      const ao = await txnConn.send(A.addOffsetsToTxnApi, {
        transactionalId: ids.txn,
        ...pid,
        groupId: ids.group,
      });
      check(ao.errorCode);
      // a fresh cluster creates __consumer_offsets on the first FindCoordinator: its coordinator may move or
      // still be loading at first, as any client sees (NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS): ask again
      let code = -1;
      for (let i = 0; i < 50; i++) {
        const groupConn = await cluster.coordinator('group', ids.group);
        const toc = await groupConn.send(A.txnOffsetCommitApi, {
          transactionalId: ids.txn,
          groupId: ids.group,
          ...pid,
          topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 42n }] }],
        });
        code = toc.topics[0]?.partitions[0]?.errorCode ?? -1;
        if (!COORDINATOR_MOVING.has(code)) break;
        cluster.invalidateCoordinator('group', ids.group);
        await new Promise((res) => setTimeout(res, 100));
      }
      check(code);
    }
    const end = await retryConcurrent(() =>
      txnConn.send(A.endTxnApi, { transactionalId: ids.txn, ...pid, committed: commit }),
    );
    check(end.errorCode);
  }

  // require_stable: waits out nothing now (the transaction ended), reads the transactional commit
  const groupConn = await cluster.coordinator('group', ids.group);
  const ofVersion = groupConn.versionOf(A.offsetFetchApi);
  let stable: ReturnType<typeof A.offsetFetchResult> | undefined;
  for (let i = 0; i < 50; i++) {
    const res = await groupConn.send(
      A.offsetFetchApi,
      A.offsetFetchRequest(ids.group, [{ name: topic, partitionIndexes: [0] }], true),
    );
    stable = A.offsetFetchResult(res, ofVersion);
    const code = stable.topics[0]?.partitions[0]?.errorCode ?? stable.errorCode;
    if (code !== ErrorCode.UNSTABLE_OFFSET_COMMIT) break;
    await new Promise((r) => setTimeout(r, 100));
  }

  // a plain commit (at-least-once path) for another group
  const plainGroup = `${ids.group}-plain`;
  const pgConn = await cluster.coordinator('group', plainGroup);
  const oc = await pgConn.send(A.offsetCommitApi, {
    groupId: plainGroup,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: 3n }] }],
  });
  check(oc.topics[0]?.partitions[0]?.errorCode ?? -1);

  // EndTxn returns before the markers are written: wait until the last stable offset reaches the high watermark
  const latestOf = async (isolationLevel: number) =>
    (
      await leader.send(A.listOffsetsApi, {
        replicaId: -1,
        isolationLevel,
        topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: A.LATEST }] }],
      })
    ).topics[0]?.partitions[0]?.offset;
  for (let i = 0; i < 100 && (await latestOf(A.READ_COMMITTED)) !== (await latestOf(A.READ_UNCOMMITTED)); i++)
    await new Promise((res) => setTimeout(res, 50));

  const listed = await leader.send(A.listOffsetsApi, {
    replicaId: -1,
    isolationLevel: A.READ_COMMITTED,
    topics: [
      {
        name: topic,
        partitions: [{ partitionIndex: 0, timestamp: A.LATEST }],
      },
    ],
  });
  const earliest = await leader.send(A.listOffsetsApi, {
    replicaId: -1,
    isolationLevel: A.READ_COMMITTED,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, timestamp: A.EARLIEST }] }],
  });
  const committedRead = await fetchAll(cluster, topic, A.READ_COMMITTED);
  return {
    topicId: info?.topicId,
    produced: pp,
    plain,
    committed,
    aborted,
    fetched,
    committedRead,
    stable,
    latest: listed.topics[0]?.partitions[0],
    earliest: earliest.topics[0]?.partitions[0],
    producer: pid,
  };
}

export async function fetchFrom(
  cluster: WireCluster,
  topic: string,
  offset: bigint,
  isolationLevel: number,
  version?: number,
) {
  const conn = await cluster.leaderFor(topic, 0);
  const topicId = cluster.cachedTopic(topic)?.topicId ?? ZERO_UUID;
  const res = await conn.send(
    A.fetchApi,
    {
      maxWaitMs: 100,
      minBytes: 1,
      maxBytes: 1 << 20,
      isolationLevel,
      topics: [
        { topic, topicId, partitions: [{ partition: 0, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] },
      ],
    },
    version === undefined ? {} : { version },
  );
  const p = res.responses[0]?.partitions[0];
  if (!p) throw new Error('fetch answered no partition');
  check(p.errorCode, null, { topic, partition: 0 });
  return {
    partition: p,
    split: splitBatches(p.records ?? Buffer.alloc(0)),
    version: version ?? conn.versionOf(A.fetchApi),
  };
}

/**
 * Fetches until the end (the last stable offset with read_committed): a broker may answer with less than is
 * there (it cuts reads at its cached offset positions), so one fetch is not "everything".
 */
export async function fetchAll(
  cluster: WireCluster,
  topic: string,
  isolationLevel: number,
  version?: number,
) {
  let offset = 0n;
  const batches: RawBatch[] = [];
  const aborted: A.AbortedTransaction[] = [];
  const raw: Buffer[] = [];
  let last: Awaited<ReturnType<typeof fetchFrom>> | undefined;
  for (let i = 0; i < 100; i++) {
    last = await fetchFrom(cluster, topic, offset, isolationLevel, version);
    const end =
      isolationLevel === A.READ_COMMITTED ? last.partition.lastStableOffset : last.partition.highWatermark;
    for (const b of last.split.batches) {
      batches.push(b);
      offset = b.header.baseOffset + BigInt(b.header.lastOffsetDelta) + 1n;
    }
    for (const a of last.partition.abortedTransactions ?? [])
      if (!aborted.some((x) => x.firstOffset === a.firstOffset)) aborted.push(a);
    if (last.partition.records) raw.push(last.partition.records);
    if (offset >= end) break;
  }
  if (!last) throw new Error('no fetch');
  return { batches, aborted, bytes: Buffer.concat(raw), partition: last.partition, version: last.version };
}

/** CONCURRENT_TRANSACTIONS right after EndTxn is normal: the previous transaction's markers are being written. */
const COORDINATOR_MOVING = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
]);

async function retryConcurrent<T extends { errorCode?: number; results?: unknown }>(
  fn: () => Promise<T>,
): Promise<T> {
  for (let i = 0; ; i++) {
    const r = await fn();
    const code =
      (r as { errorCode?: number }).errorCode ??
      (r as unknown as A.AddPartitionsToTxnResponse).results?.[0]?.resultsByPartition[0]
        ?.partitionErrorCode ??
      0;
    if (code !== ErrorCode.CONCURRENT_TRANSACTIONS || i > 50) return r;
    await new Promise((res) => setTimeout(res, 50));
  }
}
