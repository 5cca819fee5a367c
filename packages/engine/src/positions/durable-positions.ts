import type { Admin } from 'kafkajs';
import { AssignedFetcher } from '../datapath/assigned-fetch.ts';
import { FerryError, toFerryError } from '../errors.ts';
import { decodeRecords, type WireRecord } from '../records/index.ts';
import { LATEST, listOffsetsApi, READ_COMMITTED, type WireCluster } from '../wire/index.ts';

/*
 * Durable positions (issue 12 item 2). The positions group's committed offsets (`positions.ts`) expire when the
 * group has been empty for the target's `offsets.retention.minutes` (7 days by default): a flow disabled for
 * longer would start again from its start position and copy everything twice. So every transaction that moves
 * a position also writes it, in the same transaction, as a record of the compacted topic
 * `ferry-positions.internal` on the target: key = (positions group, remote topic, partition), value = the next
 * source offset, the source topic's id and the source end seen at the time. Compaction keeps the last record of
 * each key forever; a task reads the group's offsets first and takes a partition's position from this topic
 * only when the group has none (expired). The topic id lets a task that starts tell a source topic deleted and
 * re-created while the flow was stopped (a `topic-recreated` gap) from the topic it left; the remote topic's id
 * (`rid`) lets it tell a REMOTE topic deleted and re-created on the target since (see TaskRunner.checkRemoteIds).
 */
export const DURABLE_POSITIONS_TOPIC = 'ferry-positions.internal';

export interface DurablePosition {
  group: string;
  remoteTopic: string;
  partition: number;
  sourceTopic: string;
  /** Next source offset to copy. */
  next: bigint;
  /** Id of the source topic the position belongs to (unset when not known yet). */
  topicId?: string;
  /** The source's read_committed end when the position was written (unset when not known yet). */
  sourceEnd?: bigint;
  /**
   * Id of the REMOTE topic the records below `next` were written to (unset in records of older versions): a
   * task that starts and finds another id on the target knows the remote topic was deleted and re-created.
   */
  remoteTopicId?: string;
}

export const durableKey = (remoteTopic: string, partition: number) => `${remoteTopic}:${partition}`;

export function encodeDurablePosition(p: DurablePosition): { key: Buffer; value: Buffer } {
  return {
    key: Buffer.from(JSON.stringify({ g: p.group, t: p.remoteTopic, p: p.partition })),
    value: Buffer.from(
      JSON.stringify({
        v: 1,
        s: p.sourceTopic,
        next: String(p.next),
        ...(p.topicId ? { id: p.topicId } : {}),
        ...(p.sourceEnd !== undefined ? { end: String(p.sourceEnd) } : {}),
        ...(p.remoteTopicId ? { rid: p.remoteTopicId } : {}),
      }),
    ),
  };
}

/** A record of the positions topic; undefined for a tombstone or a record this version cannot read. */
export function decodeDurablePosition(key: Buffer | null, value: Buffer | null): DurablePosition | undefined {
  if (!key || !value) return undefined;
  try {
    const k = JSON.parse(key.toString('utf8')) as { g?: unknown; t?: unknown; p?: unknown };
    const v = JSON.parse(value.toString('utf8')) as {
      v?: unknown;
      s?: unknown;
      next?: unknown;
      id?: unknown;
      end?: unknown;
      rid?: unknown;
    };
    if (typeof k.g !== 'string' || typeof k.t !== 'string' || typeof k.p !== 'number') return undefined;
    if (v.v !== 1 || typeof v.s !== 'string' || typeof v.next !== 'string') return undefined;
    return {
      group: k.g,
      remoteTopic: k.t,
      partition: k.p,
      sourceTopic: v.s,
      next: BigInt(v.next),
      ...(typeof v.id === 'string' ? { topicId: v.id } : {}),
      ...(typeof v.end === 'string' ? { sourceEnd: BigInt(v.end) } : {}),
      ...(typeof v.rid === 'string' ? { remoteTopicId: v.rid } : {}),
    };
  } catch {
    return undefined;
  }
}

/** The records one transaction writes for the positions it moves (the writer's `extra`). */
export function durablePositionRecords(
  positions: DurablePosition[],
  nowMs = BigInt(Date.now()),
): Array<{ topic: string; partition: number; records: WireRecord[] }> {
  if (positions.length === 0) return [];
  return [
    {
      topic: DURABLE_POSITIONS_TOPIC,
      partition: 0,
      records: positions.map((p, i) => ({
        offset: BigInt(i),
        timestamp: nowMs,
        ...encodeDurablePosition(p),
        headers: [],
      })),
    },
  ];
}

/** Creates the compacted positions topic on the target when missing (before the first transaction). */
export async function ensurePositionsTopic(admin: Admin, replicationFactor = -1): Promise<void> {
  const existing = await admin.listTopics();
  if (existing.includes(DURABLE_POSITIONS_TOPIC)) return;
  try {
    await admin.createTopics({
      topics: [
        {
          topic: DURABLE_POSITIONS_TOPIC,
          numPartitions: 1,
          replicationFactor,
          configEntries: [
            { name: 'cleanup.policy', value: 'compact' },
            // compaction only cleans closed segments: keep the part a starting task reads small
            { name: 'segment.bytes', value: String(16 << 20) },
            { name: 'segment.ms', value: String(3_600_000) },
            { name: 'min.cleanable.dirty.ratio', value: '0.1' },
          ],
        },
      ],
      waitForLeaders: true,
    });
  } catch (e) {
    if ((e as { type?: string }).type === 'TOPIC_ALREADY_EXISTS') return;
    throw e;
  }
}

/**
 * The last durable position of each remote partition of `group` (key `remoteTopic:partition`): reads the
 * positions topic (read_committed) from its start to its current end with Ferry's own fetcher.
 */
export async function loadDurablePositions(
  cluster: WireCluster,
  group: string,
  timeoutMs = 60_000,
): Promise<Map<string, DurablePosition>> {
  const out = new Map<string, DurablePosition>();
  try {
    const end = await committedEnd(cluster);
    if (end === undefined || end === 0n) return out;
    let failure: unknown;
    let done!: () => void;
    const finished = new Promise<void>((r) => {
      done = r;
    });
    const fetcher = new AssignedFetcher({
      cluster,
      partitions: [{ topic: DURABLE_POSITIONS_TOPIC, partition: 0 }],
      positions: new Map(),
      startPosition: 'earliest',
      // Every task of a flow reads the whole topic at its start (all flows' positions, up to a 16 MiB segment
      // before compaction): small fetches keep what each holds at once to ~1 MiB (a single partition: the broker
      // returns a larger batch whole anyway). With 4 MiB fetches (and the fetcher's defaults, 16 MiB per request,
      // 32 MiB in flight) four tasks starting together held ~14 MB more external memory at the peak of
      // `ferry run` over 1,000 partitions (test/memory).
      maxBytesPerPartition: 1 << 20,
      maxBytes: 1 << 20,
      maxInFlightBytes: 1 << 20,
      maxWaitMs: 100,
      onChunk: async (c) => {
        for (const b of c.batches)
          for (const r of decodeRecords(b)) {
            if (r.offset < c.fromOffset) continue;
            const p = decodeDurablePosition(r.key, r.value);
            if (p && p.group === group) out.set(durableKey(p.remoteTopic, p.partition), p);
          }
        if (c.nextOffset >= end || c.lastStableOffset <= c.fromOffset) done();
      },
      onError: (e) => {
        failure = e;
        done();
      },
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      await fetcher.start();
      await Promise.race([
        finished,
        new Promise<void>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new FerryError(
                  'POSITIONS_LOAD_FAILED',
                  `${DURABLE_POSITIONS_TOPIC} was not read to its end (${end}) within ${timeoutMs / 1000} s`,
                  { retriable: true },
                ),
              ),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      await fetcher.stop();
    }
    if (failure) throw failure;
    return out;
  } catch (e) {
    throw toFerryError(e, 'POSITIONS_LOAD_FAILED', { topic: DURABLE_POSITIONS_TOPIC });
  }
}

/** The positions topic's last stable offset; undefined when the topic does not exist yet. */
async function committedEnd(cluster: WireCluster): Promise<bigint | undefined> {
  const md = await cluster.metadata([DURABLE_POSITIONS_TOPIC], { refresh: true });
  const t = md.topics.get(DURABLE_POSITIONS_TOPIC);
  if (t?.errorCode !== 0) return undefined;
  const leader = await cluster.leaderIdFor(DURABLE_POSITIONS_TOPIC, 0);
  const conn = await cluster.broker(leader);
  const res = await conn.send(listOffsetsApi, {
    replicaId: -1,
    isolationLevel: READ_COMMITTED,
    topics: [{ name: DURABLE_POSITIONS_TOPIC, partitions: [{ partitionIndex: 0, timestamp: LATEST }] }],
  });
  const p = res.topics[0]?.partitions[0];
  if (p?.errorCode !== 0)
    throw new FerryError(
      'POSITIONS_LOAD_FAILED',
      `ListOffsets on ${DURABLE_POSITIONS_TOPIC} answered error ${p?.errorCode}`,
      {
        retriable: true,
      },
    );
  return p.offset;
}
