import { randomBytes } from 'node:crypto';
import kafkajs, { type Consumer, type EachBatchPayload, type Kafka } from 'kafkajs';
import type { StartPosition } from '../config/flow-config.ts';
import type { TopicPartition } from '../tasks/assign.ts';

const { AssignerProtocol } = kafkajs;

/** One fetched source record, as the engine sees it (client types stay in this module). */
export interface SourceRecord {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestampMs: number;
}

export interface FetchedBatch {
  topic: string;
  partition: number;
  records: SourceRecord[];
  /** Source high watermark seen by this fetch. */
  highWatermark: bigint;
}

export interface FetcherOptions {
  kafka: Kafka;
  partitions: TopicPartition[];
  /** Next offset per `topic:partition`; partitions without one start at `startPosition`. */
  positions: Map<string, bigint>;
  startPosition: StartPosition;
  maxBytesPerPartition: number;
  /** A name for the ephemeral group the client needs on the source; a random suffix is added. */
  groupPrefix: string;
  onBatch: (b: FetchedBatch) => Promise<void>;
  onCrash: (e: unknown) => void;
}

/**
 * Reads exactly the given source partitions with read_committed (aborted transactions and control records are
 * dropped by the client). kafkajs only consumes through a group, so each fetcher joins its own single-member
 * group with an assigner that hands it exactly its partitions; the group never commits offsets (positions live
 * on the target) and is left on stop.
 */
export class Fetcher {
  private consumer: Consumer | undefined;
  private readonly o: FetcherOptions;
  readonly groupId: string;

  constructor(o: FetcherOptions) {
    this.o = o;
    this.groupId = `${o.groupPrefix}.${randomBytes(4).toString('hex')}`;
  }

  async start(): Promise<void> {
    const { kafka, partitions, positions } = this.o;
    const byTopic = new Map<string, number[]>();
    for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
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
      groupId: this.groupId,
      partitionAssigners: [fixedAssigner as never],
      readUncommitted: false,
      allowAutoTopicCreation: false,
      maxBytesPerPartition: this.o.maxBytesPerPartition,
      maxBytes: Math.max(this.o.maxBytesPerPartition * 4, 16 << 20),
      maxWaitTimeInMs: 250,
      sessionTimeout: 30000,
      rebalanceTimeout: 30000,
      heartbeatInterval: 3000,
      retry: { retries: 5, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, (e) => this.o.onCrash(e.payload.error));
    await consumer.connect();
    await consumer.subscribe({
      topics: [...byTopic.keys()],
      fromBeginning: this.o.startPosition === 'earliest',
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      eachBatch: async (p: EachBatchPayload) => {
        const { batch } = p;
        if (batch.messages.length === 0) return;
        await this.o.onBatch({
          topic: batch.topic,
          partition: batch.partition,
          highWatermark: BigInt(batch.highWatermark),
          records: batch.messages.map((m) => ({
            offset: BigInt(m.offset),
            key: m.key ?? null,
            value: m.value ?? null,
            headers: flattenHeaders(m.headers),
            timestampMs: Number(m.timestamp),
          })),
        });
      },
    });
    for (const tp of partitions) {
      const pos = positions.get(`${tp.topic}:${tp.partition}`);
      if (pos !== undefined) consumer.seek({ topic: tp.topic, partition: tp.partition, offset: String(pos) });
    }
  }

  pause(tp: TopicPartition): void {
    this.consumer?.pause([{ topic: tp.topic, partitions: [tp.partition] }]);
  }

  /** Stops fetching; waits for the batch being handed over to finish. */
  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    if (c) await c.disconnect().catch(() => undefined);
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
