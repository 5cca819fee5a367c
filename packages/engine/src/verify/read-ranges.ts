import { randomBytes } from 'node:crypto';
import kafkajs, { type Kafka } from 'kafkajs';
import { FerryError, toFerryError } from '../errors.ts';

const { AssignerProtocol } = kafkajs;

/** Offsets [from, to) of one partition. */
export interface ReadRange {
  topic: string;
  partition: number;
  from: bigint;
  to: bigint;
}

export interface RangeRecord {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestampMs: number;
}

export interface ReadRangesOptions {
  /** Name of the ephemeral group the client needs; a random suffix is added. */
  groupPrefix: string;
  /** Fails with VERIFY_READ_STALLED when no fetch made progress for this long. Default 60 s. */
  stallTimeoutMs?: number;
  /** Error code and cluster for a failure of the reader. */
  errorCode: string;
  cluster: string;
}

/**
 * Reads exactly the given offset ranges with read_committed (aborted records and transaction markers are
 * skipped by the client; a marker still counts as read) and hands over each record once, in offset order per
 * partition. Resolves once every range is read to its end. The group it needs (kafkajs consumes only through a
 * group) gets exactly these partitions from a fixed assigner and never commits.
 */
export async function readRanges(
  kafka: Kafka,
  ranges: ReadRange[],
  onRecord: (range: ReadRange, r: RangeRecord) => void,
  o: ReadRangesOptions,
): Promise<void> {
  const todo = ranges.filter((r) => r.to > r.from);
  if (todo.length === 0) return;
  const key = (topic: string, partition: number) => `${topic}:${partition}`;
  const byKey = new Map(todo.map((r) => [key(r.topic, r.partition), r]));
  if (byKey.size !== todo.length)
    throw new FerryError('DUPLICATE_RANGE', 'readRanges: one range per partition', {});
  const next = new Map(todo.map((r) => [key(r.topic, r.partition), r.from]));
  const open = new Set(byKey.keys());
  const byTopic = new Map<string, number[]>();
  for (const r of todo) byTopic.set(r.topic, [...(byTopic.get(r.topic) ?? []), r.partition]);

  const fixedAssigner = () => ({
    name: 'FerryFixedAssigner',
    version: 0,
    async assign({ members }: { members: Array<{ memberId: string }> }) {
      return members.map((m, i) => ({
        memberId: m.memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 0,
          assignment: i === 0 ? Object.fromEntries(byTopic) : {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
    protocol({ topics }: { topics: string[] }) {
      return {
        name: 'FerryFixedAssigner',
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
      };
    },
  });
  const consumer = kafka.consumer({
    groupId: `${o.groupPrefix}.${randomBytes(4).toString('hex')}`,
    partitionAssigners: [fixedAssigner as never],
    readUncommitted: false,
    allowAutoTopicCreation: false,
    // moderate fetches: a 32 MB response decodes into ~100 MB of message objects, held beside the digests
    maxBytesPerPartition: 1 << 20,
    maxBytes: 8 << 20,
    maxWaitTimeInMs: 100,
    sessionTimeout: 30000,
    heartbeatInterval: 3000,
    retry: { retries: 5, restartOnFailure: async () => false },
  });

  let done!: () => void;
  let failed!: (e: unknown) => void;
  const finished = new Promise<void>((res, rej) => {
    done = res;
    failed = rej;
  });
  let lastProgress = Date.now();
  const advance = (topic: string, partition: number, readUpTo: bigint) => {
    const k = key(topic, partition);
    const r = byKey.get(k);
    if (!r || !open.has(k)) return;
    if (readUpTo > (next.get(k) ?? r.from)) {
      next.set(k, readUpTo);
      lastProgress = Date.now();
    }
    if (readUpTo >= r.to) {
      open.delete(k);
      consumer.pause([{ topic, partitions: [partition] }]);
      if (open.size === 0) done();
    }
  };
  consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
    advance(e.payload.topic, e.payload.partition, BigInt(e.payload.lastOffset) + 1n);
  });
  consumer.on(consumer.events.CRASH, (e) => failed(e.payload.error));
  const stall = o.stallTimeoutMs ?? 60_000;
  const timer = setInterval(() => {
    if (Date.now() - lastProgress <= stall) return;
    const behind = [...open].map((k) => `${k} at ${next.get(k)} of ${byKey.get(k)!.to}`).join(', ');
    failed(
      new FerryError(
        'VERIFY_READ_STALLED',
        `reading ${o.cluster} made no progress for ${Math.round(stall / 1000)} s (${behind})`,
        { retriable: true, context: { cluster: o.cluster } },
      ),
    );
  }, 1000);
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...byTopic.keys()], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const k = key(batch.topic, batch.partition);
        const r = byKey.get(k);
        if (!r || !open.has(k)) return;
        for (const m of batch.messages) {
          const offset = BigInt(m.offset);
          if (offset < (next.get(k) ?? r.from) || offset >= r.to) continue;
          onRecord(r, {
            offset,
            key: m.key ?? null,
            value: m.value ?? null,
            headers: flattenHeaders(m.headers),
            timestampMs: Number(m.timestamp),
          });
          next.set(k, offset + 1n);
          lastProgress = Date.now();
        }
      },
    });
    for (const r of todo) consumer.seek({ topic: r.topic, partition: r.partition, offset: String(r.from) });
    await finished;
  } catch (e) {
    throw toFerryError(e, o.errorCode, { cluster: o.cluster });
  } finally {
    clearInterval(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}

function flattenHeaders(
  h: Record<string, Buffer | string | Array<Buffer | string> | undefined> | undefined,
): Array<[string, Buffer | null]> {
  const out: Array<[string, Buffer | null]> = [];
  if (!h) return out;
  for (const [k, v] of Object.entries(h)) {
    const vs = Array.isArray(v) ? v : [v];
    for (const x of vs)
      out.push([k, x === undefined || x === null ? null : Buffer.isBuffer(x) ? x : Buffer.from(x)]);
  }
  return out;
}
